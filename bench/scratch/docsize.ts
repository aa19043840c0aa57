import { MongoClient } from 'mongodb';
import { startDatabase } from '../database';
import { seedCustomers } from '../seed';
import { cpuMs } from '../proc';
(async () => {
  const backend = (process.env.B ?? 'sqlite') as 'sqlite';
  const db = await startDatabase(backend);
  await seedCustomers(db.uri, Number(process.env.N ?? 1000));
  const client = await MongoClient.connect(db.uri);
  const c = client.db().collection('customers');
  const all = await c.find({}).toArray();
  const slim = client.db().collection('slim');
  await slim.insertMany(all.map(({ search_keys, ...rest }) => rest));
  const tiny = client.db().collection('tiny');
  await tiny.insertMany(all.map((d) => ({ _id: d._id, phone_number: d.phone_number })));
  const time = async (label: string, f: () => Promise<unknown>, times = 3) => {
    const cpu0 = db.pids().reduce((t, p) => t + (cpuMs(p) ?? 0), 0);
    const t0 = Date.now();
    for (let i = 0; i < times; i++) await f();
    const cpu1 = db.pids().reduce((t, p) => t + (cpuMs(p) ?? 0), 0);
    console.log(backend, label, ((Date.now() - t0) / times).toFixed(1), 'ms wall,', ((cpu1 - cpu0) / times).toFixed(1), 'ms db cpu');
  };
  await time('count full docs', () => c.countDocuments({ status: 'x' }));
  await time('count slim docs (no search_keys)', () => slim.countDocuments({ status: 'x' }));
  await time('count tiny docs (_id+phone)', () => tiny.countDocuments({ phone_number: 'x' }));
  await client.close();
  await db.stop();
})().catch((e) => { console.error(e); process.exit(1); });
