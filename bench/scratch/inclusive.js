// node inclusive.js <profile> fnName... : inclusive CPU ms (idle excluded) of frames by function name
const fs = require('fs');
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const names = process.argv.slice(3);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const totals = Object.fromEntries(names.map((n) => [n, 0]));
let all = 0;
p.samples.forEach((id, i) => {
  const ms = p.timeDeltas[i] / 1000;
  if (byId.get(id).callFrame.functionName === '(idle)') return;
  all += ms;
  const seen = new Set();
  for (let cur = id; cur; cur = parent.get(cur)) {
    const fn = byId.get(cur).callFrame.functionName;
    if (totals[fn] !== undefined && !seen.has(fn)) { totals[fn] += ms; seen.add(fn); }
  }
});
console.log('non-idle total', all.toFixed(0), 'ms');
for (const [k, v] of Object.entries(totals)) console.log(k.padEnd(30), v.toFixed(0).padStart(6), 'ms', (100 * v / all).toFixed(1) + '%');
