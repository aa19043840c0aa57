/** A one-line progress bar on stderr (a line per 10% when stderr is not a terminal). */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDecile = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number): void {
    const fraction = this.total === 0 ? 1 : done / this.total;
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
      process.stderr.write(
        `\r${this.label} [${bar}] ${Math.floor(fraction * 100)}% ${done}/${this.total} ${seconds}s`,
      );
      if (done >= this.total) process.stderr.write('\n');
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      process.stderr.write(`${this.label} ${decile * 10}% ${done}/${this.total} ${seconds}s\n`);
    }
  }
}
