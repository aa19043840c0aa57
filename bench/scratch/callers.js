const fs = require('fs');
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const target = process.argv[3];
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const self = new Map();
p.samples.forEach((id, i) => self.set(id, (self.get(id) || 0) + p.timeDeltas[i] / 1000));
const stacks = new Map();
for (const n of p.nodes) {
  if (n.callFrame.functionName !== target) continue;
  const chain = [];
  let cur = parent.get(n.id);
  while (cur && chain.length < 12) { const f = byId.get(cur).callFrame; chain.push(`${f.functionName || '(anon)'}@${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`); cur = parent.get(cur); }
  const key = chain.join(' < ');
  stacks.set(key, (stacks.get(key) || 0) + (self.get(n.id) || 0));
}
[...stacks].sort((a, b) => b[1] - a[1]).slice(0, 6).forEach(([k, v]) => console.log(v.toFixed(0), 'ms', k, '\n'));
