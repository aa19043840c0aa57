import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { SchemaArbitraries, Schema } from '../test/support/schema-arbitrary';
const document = JSON.parse(readFileSync('openapi/openapi.json', 'utf8'));
const s = new SchemaArbitraries(document);
for (const [name, schema] of Object.entries(document.components.schemas) as [string, Schema][]) {
  const t0 = Date.now();
  try { fc.sample(s.valid(schema), { seed: 1, numRuns: 12 }); } catch (e) { console.log(name, 'ERR', (e as Error).message.slice(0, 200)); }
  console.log(name, Date.now() - t0, 'ms');
}
for (const [p, item] of Object.entries(document.paths) as any) for (const [m, op] of Object.entries(item) as any) for (const prm of op.parameters ?? []) {
  const t0 = Date.now();
  try { fc.sample(s.valid(prm.schema), { seed: 1, numRuns: 12 }); } catch (e) { console.log(p, prm.name, 'ERR', (e as Error).message.slice(0, 200)); }
  const d = Date.now() - t0; if (d > 50) console.log(p, m, prm.name, d, 'ms');
}
