import { Logger } from '@nestjs/common';

/**
 * Runs `task` now and then every `intervalMs`, one run at a time, off the request path; a
 * failure is logged and the next run tries again. `stop()` waits for a run in progress.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly logger = new Logger(name),
  ) {}

  start(): void {
    this.timer = setInterval(() => this.runOnce(), this.intervalMs);
    this.timer.unref();
    this.runOnce();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run now (unless one is in progress); resolves when it ends. */
  runOnce(): Promise<void> {
    this.running ??= this.task()
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ msg: `${this.name} failed; it runs again later`, err: String(error) }),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }
}

export const HOUR_MS = 60 * 60 * 1000;
