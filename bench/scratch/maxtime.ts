import { MongoClient } from 'mongodb';
import { startDatabase } from '../database';
import { seedCustomers } from '../seed';
(async () => {
  const db = await startDatabase('postgresql');
  await seedCustomers(db.uri, 3000);
  const client = await MongoClient.connect(db.uri);
  const c = client.db().collection('customers');
  for (const f of [
    () => c.find({ status: { $in: ['x'] } }, { maxTimeMS: 50 }).toArray(),
    () => c.countDocuments({ status: { $in: ['x'] } }, { maxTimeMS: 50 }),
  ]) {
    const t0 = Date.now();
    try { await f(); console.log('no timeout', Date.now() - t0); } catch (e) { console.log('timeout after', Date.now() - t0, (e as Error).message); }
  }
  await client.close();
  await db.stop();
})();
