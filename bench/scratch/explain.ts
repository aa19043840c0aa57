import { MongoClient } from 'mongodb';
import { startDatabase } from '../database';
import { seedCustomers } from '../seed';
import { appSearch, byPhone } from '../queries';
(async () => {
  for (const backend of ['sqlite', 'postgresql'] as const) {
    const db = await startDatabase(backend);
    const r = await seedCustomers(db.uri, 300);
    const client = await MongoClient.connect(db.uri);
    const c = client.db().collection('customers');
    for (const f of [byPhone(r.sample.phones[0]), appSearch('smi'), appSearch('jo smi')]) {
      const e = await c.find(f).sort({ created_at: -1, _id: -1 }).limit(10).explain();
      console.log(backend, JSON.stringify(f), JSON.stringify({ qp: e.queryPlanner, fp: e.filterPushdown }).slice(0, 1500));
    }
    await client.close();
    await db.stop();
  }
})();
