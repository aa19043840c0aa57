import { MongoClient } from 'mongodb';
import { startDatabase } from '../database';
import { seedCustomers } from '../seed';
import { cpuMs } from '../proc';
(async () => {
  const backend = (process.env.B ?? 'sqlite') as 'sqlite';
  const db = await startDatabase(backend);
  const r = await seedCustomers(db.uri, Number(process.env.N ?? 1000));
  const client = await MongoClient.connect(db.uri);
  const c = client.db().collection('customers');
  const time = async (label: string, f: () => Promise<unknown>, times = 5) => {
    const cpu0 = db.pids().reduce((t, p) => t + (cpuMs(p) ?? 0), 0);
    const t0 = Date.now();
    for (let i = 0; i < times; i++) await f();
    const cpu1 = db.pids().reduce((t, p) => t + (cpuMs(p) ?? 0), 0);
    console.log(label, ((Date.now() - t0) / times).toFixed(1), 'ms wall,', ((cpu1 - cpu0) / times).toFixed(1), 'ms db cpu');
  };
  const phone = r.sample.phones[0];
  const one = await c.findOne({ phone_number: phone });
  await time('findOne phone', () => c.findOne({ phone_number: phone }));
  await time('findOne _id', () => c.findOne({ _id: one!._id }));
  await time('find all toArray', () => c.find({}).toArray());
  await time('find all, projection _id', () => c.find({}, { projection: { _id: 1 } }).toArray());
  await time('count {}', () => c.countDocuments({}));
  await time('estimated count', () => c.estimatedDocumentCount());
  await client.close();
  await db.stop();
})().catch((e) => { console.error(e); process.exit(1); });
