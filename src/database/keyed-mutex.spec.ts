import { KeyedMutex } from './keyed-mutex';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('KeyedMutex', () => {
  it('runs work on one key one at a time, in order, and forgets idle keys', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const job =
      (name: string, fail = false) =>
      async () => {
        log.push(`${name}:start`);
        await tick();
        log.push(`${name}:end`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      mutex.run('a', job('1')),
      mutex.run('a', job('2', true)),
      mutex.run('a', job('3')),
    ]);
    expect(log).toEqual(['1:start', '1:end', '2:start', '2:end', '3:start', '3:end']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await tick();
    expect(mutex.size).toBe(0);
  });

  it('lets different keys overlap', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    await Promise.all(
      ['a', 'b'].map((key) =>
        mutex.run(key, async () => {
          log.push(`${key}:start`);
          await tick();
          log.push(`${key}:end`);
        }),
      ),
    );
    expect(log.slice(0, 2)).toEqual(['a:start', 'b:start']);
  });
});

describe('KeyedMutex re-entry', () => {
  it('lets work holding a key take it again', async () => {
    const mutex = new KeyedMutex();
    const inner = await mutex.run('a', () => mutex.run('a', async () => 'inner'));
    expect(inner).toBe('inner');
  });
});
