import { ServerStates } from './database-watchdog';

describe('ServerStates: is the client usable?', () => {
  it('a standalone server: usable while known, not once Unknown', () => {
    const states = new ServerStates();
    expect(states.usable).toBe(false);
    states.update('db:27017', 'Standalone');
    expect(states.usable).toBe(true);
    states.update('db:27017', 'Unknown');
    expect(states.usable).toBe(false);
  });

  it('a replica set with one member down stays usable (no reconnect loop)', () => {
    const states = new ServerStates(true);
    states.update('a:27017', 'RSPrimary');
    states.update('b:27017', 'RSSecondary');
    states.update('c:27017', 'Unknown');
    expect(states.usable).toBe(true);
    // The last event is about the member that is down: still usable.
    states.update('c:27017', 'Unknown');
    expect(states.usable).toBe(true);
    states.update('a:27017', 'Unknown');
    states.update('b:27017', 'Unknown');
    expect(states.usable).toBe(false);
  });

  it('forgets a member that left the replica set', () => {
    const states = new ServerStates();
    states.update('a:27017', 'RSPrimary');
    states.update('b:27017', 'Unknown');
    states.remove('a:27017');
    expect(states.usable).toBe(false);
  });

  it('starts usable when the connection was already open', () => {
    expect(new ServerStates(true).usable).toBe(true);
  });
});
