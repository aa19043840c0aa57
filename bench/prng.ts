/** A small seeded PRNG (mulberry32), so that every run seeds the same customers. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/**
 * Picks from a list where earlier entries are more common (Zipf-like), as real names are:
 * a few Smiths and Garcias, a long tail of rarer names.
 */
export class WeightedPicker<T> {
  private readonly cumulative: number[] = [];

  constructor(
    private readonly items: readonly T[],
    exponent = 0.8,
  ) {
    let total = 0;
    items.forEach((_, index) => {
      total += 1 / Math.pow(index + 1, exponent);
      this.cumulative.push(total);
    });
  }

  pick(prng: Prng): T {
    const target = prng.next() * this.cumulative[this.cumulative.length - 1];
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulative[mid] < target) low = mid + 1;
      else high = mid;
    }
    return this.items[low];
  }
}
