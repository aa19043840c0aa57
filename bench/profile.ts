/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and lists where the self time went: by function and
 * by package. Standalone: npx ts-node --transpile-only bench/profile.ts <file.cpuprofile>
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Monotonic microseconds (process.hrtime, the clock V8 stamps samples with). */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

export interface ProfileSummary {
  /** CPU time sampled (idle excluded) within the window. */
  totalMs: number;
  top: Array<{ function: string; selfMs: number; percent: number }>;
  byPackage: Array<{ package: string; selfMs: number; percent: number }>;
}

/** Self time by function and by package; only samples within `window` (the load), idle left out. */
export function summarizeProfile(
  file: string,
  window?: ProfileWindow,
  topCount = 25,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let totalMs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    at += profile.timeDeltas[index] ?? 0;
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || (window && (at < window.fromUs || at > window.toUs)))
      return;
    totalMs += ms;
    const name = `${frame.functionName || '(anonymous)'} ${location(frame)}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byPackage.set(packageOf(frame), (byPackage.get(packageOf(frame)) ?? 0) + ms);
  });
  const ranked = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  const percent = (ms: number) => Math.round((1000 * ms) / totalMs) / 10;
  return {
    totalMs: Math.round(totalMs),
    top: ranked(byFunction)
      .slice(0, topCount)
      .map(([name, ms]) => ({ function: name, selfMs: Math.round(ms), percent: percent(ms) })),
    byPackage: ranked(byPackage).map(([name, ms]) => ({
      package: name,
      selfMs: Math.round(ms),
      percent: percent(ms),
    })),
  };
}

function location(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return '';
  const path = frame.url.replace(/^file:\/\//, '');
  const short = path.includes('node_modules/')
    ? path.slice(path.lastIndexOf('node_modules/') + 13)
    : path.replace(/^.*\/(dist|src)\//, '$1/');
  return `${short}:${frame.lineNumber + 1}`;
}

/** "fastify", "@nestjs/core", "app (dist)", "node:internal", or V8's "(garbage collector)" etc. */
function packageOf(frame: ProfileNode['callFrame']): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(
    url.slice(url.lastIndexOf('node_modules/')),
  );
  if (match) return match[1];
  if (/\/dist\//.test(url)) return 'app (dist)';
  return url;
}

if (require.main === module) {
  const summary = summarizeProfile(process.argv[2]);
  console.log(`${summary.totalMs} ms of CPU sampled (whole process life, idle left out)`);
  console.table(summary.byPackage.slice(0, 15));
  console.table(summary.top);
}
