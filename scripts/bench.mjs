// Benchmark: times sbx-detect against `node -e 0` side by side in the same run, interleaved,
// and reports medians, the ratio, and peak RSS (GNU time's %M). Usage:
//   npm run bench [-- --runs N] [-- --bin PATH]
//   npm run bench -- --in runc,runsc [--runs N]   the same inside real runtimes (test/matrix/bench.ts)
//   npm run bench -- --via [--runs N] [--fleet N] [--parallel P]   --via over docker exec against the
//                                                 tool inside, bytes, round trips, a fleet (test/matrix/bench-via.ts)
//   npm run bench -- --peer PATH [--runs N] [--runtimes runc,runsc] [--nofile 1024,20000,1048576] [--freeze N]
//                                                 amicontained beside sbx-detect in the same containers, and
//                                                 where sbx-detect's time goes there (test/matrix/bench-peer.ts)
// Figures go in docs/speed.md (the README's "Speed and memory" until issue #25 moved it there);
// nothing here asserts a threshold (see DEVELOPERS: no timed tests).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv.includes('--via')) {
  const { importTestEntry } = await import('./bundle-test-entry.mjs');
  const { main } = await importTestEntry('test/matrix/bench-via.ts');
  process.exit(await main(process.argv.slice(2)));
}
if (process.argv.includes('--peer')) {
  const { importTestEntry } = await import('./bundle-test-entry.mjs');
  const { main } = await importTestEntry('test/matrix/bench-peer.ts');
  process.exit(await main(process.argv.slice(2)));
}
if (process.argv.includes('--in')) {
  const { importTestEntry } = await import('./bundle-test-entry.mjs');
  const { main } = await importTestEntry('test/matrix/bench.ts');
  process.exit(await main(process.argv.slice(2)));
}
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('runs', '15'));
const tool = arg('bin', join(here, 'bin/sbx-detect'));
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error('bench needs GNU time (/usr/bin/time, Debian package "time")');
  process.exit(2);
}

const sea = join(here, 'dist/sbx-detect');
const commands = [
  { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
  { name: 'bin/sbx-detect --json --no-helper', argv: [tool, '--json', '--no-helper'] },
  { name: 'bin/sbx-detect --json --no-syscalls', argv: [tool, '--json', '--no-syscalls'] },
  { name: 'bin/sbx-detect --json (full scan)', argv: [tool, '--json'] },
  { name: 'bin/sbx-detect node --json', argv: [tool, 'node', '--json'] },
  // the single executable (npm run build), when it has been built
  ...(existsSync(sea) ? [
    { name: 'dist/sbx-detect --json --no-helper', argv: [sea, '--json', '--no-helper'] },
    { name: 'dist/sbx-detect --json --no-syscalls', argv: [sea, '--json', '--no-syscalls'] },
    { name: 'dist/sbx-detect --json (full scan)', argv: [sea, '--json'] },
  ] : []),
];

const samples = new Map(commands.map((c) => [c.name, { secs: [], rssKb: [] }]));
for (let i = 0; i < runs; i++) {
  for (const c of commands) {
    const r = spawnSync(TIME, ['-f', '%e %M', ...c.argv], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) {
      console.error(`${c.name} failed (status ${r.status}): ${r.stderr.slice(-500)}`);
      process.exit(1);
    }
    const [secs, rss] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    // GNU time's %e has 10 ms resolution: measure wall time ourselves as well
    samples.get(c.name).secs.push(secs);
    samples.get(c.name).rssKb.push(rss);
  }
}

// finer wall-clock figures without time(1) in the way
for (let i = 0; i < runs; i++) {
  for (const c of commands) {
    const t0 = process.hrtime.bigint();
    spawnSync(c.argv[0], c.argv.slice(1), { stdio: 'ignore' });
    const s = samples.get(c.name);
    (s.wall ??= []).push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples.get('node -e 0').wall);
console.log(`runs: ${runs} each, interleaved; machine: ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, node ${process.version}\n`);
console.log('| command | median wall (s) | ratio to node -e 0 | peak RSS (MiB, max) |');
console.log('|---|---|---|---|');
for (const c of commands) {
  const s = samples.get(c.name);
  const m = median(s.wall);
  console.log(`| ${c.name} | ${m.toFixed(3)} | ${(m / base).toFixed(2)}× | ${(Math.max(...s.rssKb) / 1024).toFixed(1)} |`);
}

// where each millisecond goes: bin/sbx-detect under Node with test/matrix/bench-phases.cjs
// preloaded (it notes when each phase starts and changes nothing else), interleaved with
// node -e 0; medians in ms since the process started
const PHASES = join(here, 'test/matrix/bench-phases.cjs');
const phaseRuns = [
  { name: '--json --no-helper', args: ['--json', '--no-helper'] },
  { name: '--json --no-syscalls', args: ['--json', '--no-syscalls'] },
  { name: '--json (full scan)', args: ['--json'] },
];
const phaseSamples = new Map(phaseRuns.map((p) => [p.name, []]));
const nodeWall = [];
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  nodeWall.push(Number(process.hrtime.bigint() - t0) / 1e6);
  for (const p of phaseRuns) {
    const t1 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['-r', PHASES, join(here, 'bin/sbx-detect'), ...p.args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const wall = Number(process.hrtime.bigint() - t1) / 1e6;
    const line = r.stderr.split('\n').find((l) => l.startsWith('SBX_PHASES '));
    if (line) phaseSamples.get(p.name).push({ ...JSON.parse(line.slice('SBX_PHASES '.length)), wall });
  }
}
const n0 = median(nodeWall);
console.log(`\nWhere the time goes (bin/sbx-detect, test/matrix/bench-phases.cjs preloaded; medians in ms; node -e 0: ${n0.toFixed(1)} ms wall):\n`);
console.log('| run | Node start-up | module load | arguments | file probes | helper (spawn to close, beside the file probes) | waiting on the helper after the files | classify, render | exit (teardown) | whole | ratio to node -e 0 |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const p of phaseRuns) {
  const xs = phaseSamples.get(p.name);
  const f = (g) => median(xs.map(g)).toFixed(1);
  const helperStart = (x) => x.helper[0]?.[0] ?? null;
  const helperEnd = (x) => x.helper.at(-1)?.[1] ?? null;
  const started = (x) => Math.min(x.firstFs ?? x.exit, helperStart(x) ?? x.exit);
  const filesEnd = (x) => x.lastFs ?? x.firstFs ?? x.exit;
  const workEnd = (x) => Math.max(filesEnd(x), helperEnd(x) ?? 0);
  console.log(`| \`${p.name}\` | ${f((x) => x.loadStart ?? x.preload)} | ${f((x) => (x.loadEnd ?? 0) - (x.loadStart ?? 0))} | ${f((x) => started(x) - (x.loadEnd ?? 0))} | ` +
    `${f((x) => filesEnd(x) - (x.firstFs ?? filesEnd(x)))} | ${helperStart(xs[0]) === null ? '—' : f((x) => (helperEnd(x) ?? x.exit) - (helperStart(x) ?? x.exit))} | ` +
    `${helperStart(xs[0]) === null ? '—' : f((x) => Math.max(0, (helperEnd(x) ?? 0) - Math.max(filesEnd(x), helperStart(x) ?? 0)))} | ${f((x) => x.exit - workEnd(x))} | ` +
    `${f((x) => x.wall - x.exit)} | ${f((x) => x.wall)} | ${(median(xs.map((x) => x.wall)) / n0).toFixed(2)}× |`);
}
