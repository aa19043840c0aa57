import { TokenIdentity } from '../roles';
import { IdentityCache } from './identity-cache';

const staff: TokenIdentity = { username: 'ann', role: 'staff', tokenGeneration: 0 };
const admin: TokenIdentity = { username: 'ann', role: 'admin', tokenGeneration: 0 };

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('IdentityCache', () => {
  let clock: number;
  const now = () => clock;
  beforeEach(() => (clock = 1_000));

  it('answers from memory within the TTL and loads again after it', async () => {
    const cache = new IdentityCache(1000, 100, now);
    const load = jest.fn().mockResolvedValueOnce(staff).mockResolvedValueOnce(admin);
    expect(await cache.get('ann', load)).toEqual(staff);
    clock += 999;
    expect(await cache.get('ann', load)).toEqual(staff);
    expect(load).toHaveBeenCalledTimes(1);
    clock += 1;
    expect(await cache.get('ann', load)).toEqual(admin);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('remembers an unknown or disabled user too', async () => {
    const cache = new IdentityCache(1000, 100, now);
    const load = jest.fn().mockResolvedValue(null);
    expect(await cache.get('gone', load)).toBeNull();
    expect(await cache.get('gone', load)).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets everything when a user changes', async () => {
    const cache = new IdentityCache(60_000, 100, now);
    await cache.get('ann', async () => staff);
    cache.invalidate();
    expect(await cache.get('ann', async () => null)).toBeNull();
  });

  it('never stores a load that started before a change', async () => {
    const cache = new IdentityCache(60_000, 100, now);
    const stale = deferred<TokenIdentity | null>();
    const first = cache.get('ann', () => stale.promise);
    cache.invalidate(); // the user was disabled while the old role was being read
    stale.resolve(staff);
    expect(await first).toEqual(staff); // that request began before the change: it may pass
    expect(await cache.get('ann', async () => null)).toBeNull();
  });

  it('loads every time when the TTL is 0', async () => {
    const cache = new IdentityCache(0, 100, now);
    const load = jest.fn().mockResolvedValue(staff);
    await cache.get('ann', load);
    await cache.get('ann', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('stays bounded', async () => {
    const cache = new IdentityCache(60_000, 2, now);
    const load = jest.fn(async () => staff);
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load); // over the bound: starts afresh with c only
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(4);
    await cache.get('c', load);
    expect(load).toHaveBeenCalledTimes(4);
  });
});
