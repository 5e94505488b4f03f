// npm run bench -- --in runc,runsc: the full report (syscall scan included) timed inside real
// runtimes, next to `node -e 0` in the same runtime, interleaved; medians over --runs. Timing
// is taken inside the container (date +%s%N around the command), so the runtime's own start-up
// is not counted. Figures only, no thresholds (speed is measured, not asserted); they go in
// docs/speed.md, "Inside real runtimes".
import { BUNDLE } from '../support/built.js';
import { runInRuntime } from '../runtimes/index.js';
import { RUNTIME_CASES } from './cases.js';

const CASES: Record<string, string> = { runc: 'runc-docker-default', runsc: 'runsc-ptrace', crun: 'crun-docker-default' };

function timed(argv: string[]): string[] {
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  return ['/bin/sh', '-c', `t0=$(date +%s%N); ${argv.map(q).join(' ')} >/dev/null 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 ))`];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function main(argv: string[]): Promise<number> {
  const arg = (n: string, d: string) => (argv.includes(`--${n}`) ? argv[argv.indexOf(`--${n}`) + 1] : d);
  const runtimes = arg('in', 'runc,runsc').split(',');
  const runs = Number(arg('runs', '7'));
  console.log(`| runtime | node -e 0 (s) | sbx-detect --json, full scan (s) | ratio |`);
  console.log('|---|---|---|---|');
  for (const rt of runtimes) {
    const c = RUNTIME_CASES.find((x) => x.id === CASES[rt]);
    if (!c) throw new Error(`no benchmark case for ${rt}`);
    const samples: Record<'node' | 'tool', number[]> = { node: [], tool: [] };
    for (let i = 0; i < runs; i++) {
      for (const [k, cmd] of [['node', [process.execPath, '-e', '0']], ['tool', [process.execPath, BUNDLE, '--json']]] as const) {
        const r = await runInRuntime({ ...c.decl, name: `bench-${rt}-${k}`, command: timed([...cmd]) });
        const us = Number(r.stdout.trim().split('\n').at(-1));
        if (r.code !== 0 || !Number.isFinite(us)) throw new Error(`${rt} ${k}: exit ${r.code}: ${r.stderr.slice(-300)}`);
        samples[k].push(us / 1e6);
      }
    }
    const n = median(samples.node), t = median(samples.tool);
    console.log(`| ${rt} (${c.id}) | ${n.toFixed(3)} | ${t.toFixed(3)} | ${(t / n).toFixed(2)}× |`);
  }
  return 0;
}
