import { TokenIdentity } from '../roles';

interface Entry {
  identity: TokenIdentity | null;
  expiresAt: number;
}

/**
 * Who a token's subject is right now (role and token generation, or null when unknown or disabled), kept for a short
 * time so that an authenticated request costs no database round trip for the user.
 *
 * A change made through this instance is visible at once: `invalidate` runs after the change is
 * written and before it is answered, and a lookup that started before it is never stored. Changes
 * made through another instance are visible within `ttlMs`; `ttlMs` 0 turns the cache off.
 */
export class IdentityCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation: a load stores its result only if none happened meanwhile. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(username: string, load: () => Promise<TokenIdentity | null>): Promise<TokenIdentity | null> {
    if (this.ttlMs <= 0) return load();
    const hit = this.entries.get(username);
    if (hit && hit.expiresAt > this.now()) return hit.identity;
    const generation = this.generation;
    const identity = await load();
    if (generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(username, { identity, expiresAt: this.now() + this.ttlMs });
    }
    return identity;
  }

  /** Forgets everything: called after any user is created or changed. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }
}
