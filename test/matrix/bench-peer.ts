// npm run bench -- --peer PATH [--runs N] [--runtimes runc,runsc] [--nofile 1024,20000,1048576]
//                  [--docker-args "…"] [--freeze N]
// sbx-detect next to a peer tool (amicontained; PATH is its static binary, built as docs/speed.md
// says: the benchmark figures moved there from the README in issue #25) inside the same
// containers of a private dockerd (test/support/engines.ts), one container
// per runtime and RLIMIT_NOFILE (`--ulimit nofile=N:N`), Docker's defaults otherwise (root,
// default capabilities and seccomp profile; --docker-args adds flags such as "--cpus 0.05 -m 100m").
// Per round, interleaved: `node -e 0`, the peer (GODEBUG=asyncpreemptoff=1, see --freeze), the
// single executable `sbx-detect --json`, and bin/sbx-detect (the bundle with its code cache) under
// Node with test/matrix/bench-phases.cjs preloaded (where its time goes). Each is `docker exec -i C sbx-timer -- CMD`: the whole run is
// timed from here (docker exec included), the in-container part by sbx-timer (test/matrix/
// sbx-timer.c, static) inside. Medians over --runs; figures only, no thresholds.
// --freeze N: also runs the peer N times without GODEBUG in each container, each cut at 20 s,
// and counts the runs that did not finish.
// --cold: every sample in a fresh container (`docker run --rm -i … sbx-timer -- CMD`, the same
// flags), as a pod's first run meets it: nothing of the tool paged in yet; else (warm) each
// sample is a `docker exec` into one long-lived container per runtime.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE, PROJECT } from '../support/built.js';
import { buildImageRoots, startDocker } from '../support/engines.js';
import { splitCommand } from '../../src/readers/remote/split-command.js';

const arg = (argv: string[], name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const s3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');

interface Timed { whole: number; inside: number; maxrssKb: number; status: string; stdout: string; stderr: string }

const LIB = '/usr/local/lib/sbx-bench';
const COMMANDS = {
  node: { label: 'node -e 0', argv: ['/usr/local/bin/node', '-e', '0'], env: [] as string[] },
  peer: { label: 'amicontained', argv: ['/usr/local/bin/amicontained'], env: ['GODEBUG=asyncpreemptoff=1'] },
  sea: { label: 'sbx-detect --json', argv: ['/usr/local/bin/sbx-detect', '--json'], env: [] },
  phases: {
    label: 'bin/sbx-detect --json (phases)',
    argv: ['/usr/local/bin/node', '-r', `${LIB}/bench-phases.cjs`, `${LIB}/bin/sbx-detect`, '--json'],
    env: [],
  },
  // what --via leaves in the target: the helper alone, given the plan the tool gives it there
  // (captured in each container first; the file questions --via adds are not in it)
  helper: { label: 'sbx-helper < plan', argv: [`${LIB}/dist/sbx-helper`], env: [] },
} as const;
type Key = keyof typeof COMMANDS;

interface Phases { preload: number; loadStart: number | null; loadEnd: number | null; firstFs: number | null; lastFs: number | null; helper: [number, number | null][]; exit: number }

export async function main(argv: string[]): Promise<number> {
  const peer = arg(argv, 'peer', '');
  if (!peer) {
    console.error('bench --peer PATH: the peer tool (a static amicontained binary; docs/speed.md, "amicontained freezes", says how to build it)');
    return 2;
  }
  const runs = Number(arg(argv, 'runs', '7'));
  const runtimes = arg(argv, 'runtimes', 'runc,runsc').split(',');
  const nofiles = arg(argv, 'nofile', '1024,20000,1048576').split(',').map(Number);
  const freeze = Number(arg(argv, 'freeze', '0'));
  const cold = argv.includes('--cold');
  const extraText = arg(argv, 'docker-args', '');
  const extra = extraText ? splitCommand(extraText) : [];
  if ('error' in extra) {
    console.error(`--docker-args: ${extra.error}`);
    return 2;
  }

  const work = mkdtempSync(join(tmpdir(), 'sbx-bench-peer-'));
  const roots = buildImageRoots(work);
  // the recon image with a shell, plus the peer, the timer, node and the bundle with its helper
  const root = roots['sbx-recon-sh'];
  const put = (from: string, to: string, mode = 0o755) => {
    mkdirSync(join(root, to, '..'), { recursive: true });
    copyFileSync(from, join(root, to));
    chmodSync(join(root, to), mode);
  };
  const timer = join(work, 'sbx-timer');
  execFileSync('gcc', ['-O2', '-static', '-o', timer, join(PROJECT, 'test/matrix/sbx-timer.c')]);
  put(timer, 'usr/local/bin/sbx-timer');
  put(peer, 'usr/local/bin/amicontained');
  put(process.execPath, 'usr/local/bin/node');
  // bin/ and dist/ as in the package: bin/sbx-detect runs the bundle with its code cache
  for (const f of ['sbx-detect', 'run-bundle.cjs', 'package.json']) put(join(PROJECT, 'bin', f), `${LIB}/bin/${f}`, f === 'sbx-detect' ? 0o755 : 0o644);
  put(BUNDLE, `${LIB}/dist/sbx-detect.cjs`, 0o644);
  if (existsSync(`${BUNDLE}.cache`)) put(`${BUNDLE}.cache`, `${LIB}/dist/sbx-detect.cjs.cache`, 0o644);
  put(join(PROJECT, 'dist/sbx-helper'), `${LIB}/dist/sbx-helper`);
  put(join(PROJECT, 'test/matrix/bench-phases.cjs'), `${LIB}/bench-phases.cjs`, 0o644);
  // run once per container to capture the plan the tool gives the helper there
  const tee = join(work, 'tee-helper');
  writeFileSync(tee, `#!/bin/sh\ntee /tmp/sbx-bench-plan | exec ${LIB}/dist/sbx-helper "$@"\n`);
  put(tee, `${LIB}/tee-helper`);

  // runc sets the container's RLIMIT_NOFILE within dockerd's hard limit: raise ours (root) so the
  // private dockerd, started from here, inherits one high enough (util-linux prlimit)
  const want = Math.max(...nofiles);
  const r = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${want}:${want}`], { encoding: 'utf8' });
  if (r.status !== 0) console.error(`prlimit --nofile=${want} failed (${r.stderr.trim()}): containers above the current limit will not start`);

  const engine = await startDocker({ 'sbx-bench': root });
  if (typeof engine === 'string') {
    console.error(`bench --peer: docker cannot start: ${engine}`);
    rmSync(work, { recursive: true, force: true });
    return 1;
  }
  let coldFlags: string[] = [];
  const exec = (c: string, env: readonly string[], cmd: readonly string[], timeoutSecs = 120, input = '', fresh = false): Timed => {
    const where = fresh
      ? ['run', '--rm', '-i', '--network', 'none', ...coldFlags, ...env.flatMap((e) => ['-e', e]), 'sbx-bench']
      : ['exec', '-i', ...env.flatMap((e) => ['-e', e]), c];
    const full = [...engine.cli, ...where, '/usr/local/bin/sbx-timer', '-t', String(timeoutSecs), '--', ...cmd];
    const t0 = process.hrtime.bigint();
    // stdin is a pipe closed at once (docker exec -i), never an inherited /dev/null
    const r = spawnSync(full[0], full.slice(1), { input, encoding: 'utf8', maxBuffer: 64 << 20, timeout: (timeoutSecs + 60) * 1000 });
    const whole = Number(process.hrtime.bigint() - t0) / 1e9;
    const m = /SBX_TIMER wall_us=(\d+) user_us=\d+ sys_us=\d+ maxrss_kb=(\d+) status=(\S+)/.exec(r.stderr ?? '');
    if (!m) throw new Error(`${cmd.join(' ')} in ${c}: no timing (exit ${r.status}): ${(r.stderr ?? '').slice(-400)}`);
    return { whole, inside: Number(m[1]) / 1e6, maxrssKb: Number(m[2]), status: m[3], stdout: r.stdout, stderr: r.stderr };
  };

  type Row = { runtime: string; nofile: number; s: Record<Key, Timed[]>; phases: Phases[]; elapsed: number[]; helperMs: number[]; platform: string; peerHung: number; freeze?: string; children?: string };
  const rows: Row[] = [];
  try {
    const version = execFileSync(peer, ['version'], { encoding: 'utf8' }).match(/version\s*:\s*(\S+)/)?.[1] ?? '?';
    console.log(`runs: ${runs} each, interleaved; ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, node ${process.version}, peer amicontained ${version}` +
      `${extraText ? `, docker run ${extraText}` : ''}, ${cold ? 'cold: every sample in a fresh container' : 'warm: docker exec into one container per runtime'}\n`);
    for (const runtime of runtimes) {
      for (const nofile of nofiles) {
        let c: string;
        coldFlags = ['--runtime', runtime, '--ulimit', `nofile=${nofile}:${nofile}`, ...extra];
        try {
          c = await engine.start(`bench-peer-${runtime}-${nofile}`, 'sbx-bench', coldFlags);
        } catch (err) {
          console.error(`skipped: ${runtime} nofile ${nofile}: ${String(err).slice(0, 400)}`);
          continue;
        }
        const row: Row = { runtime, nofile, s: { node: [], peer: [], sea: [], phases: [], helper: [] }, phases: [], elapsed: [], helperMs: [], platform: '', peerHung: 0 };
        exec(c, [`SBX_HELPER=${LIB}/tee-helper`], ['/usr/local/bin/sbx-detect', '--json']);
        // -i and a pipe: without -i Docker hands runsc the host's /dev/null, and runsc chowns it
        const plan = spawnSync(engine.cli[0], [...engine.cli.slice(1), 'exec', '-i', c, 'cat', '/tmp/sbx-bench-plan'], { input: '', encoding: 'utf8' }).stdout;
        if (!plan.includes('\nsys')) throw new Error(`no plan captured in ${c}`);
        for (let i = 0; i < runs; i++) {
          for (const k of Object.keys(COMMANDS) as Key[]) {
            const r = exec(c, COMMANDS[k].env, COMMANDS[k].argv, k === 'peer' ? 30 : 120, k === 'helper' ? plan : '', cold);
            if (k === 'peer' && r.status === 'timeout') {
              row.peerHung++; // a freeze even with GODEBUG=asyncpreemptoff=1: counted, not timed
              continue;
            }
            if (r.status !== 'exit:0') throw new Error(`${COMMANDS[k].label} in ${c}: ${r.status}: ${r.stderr.slice(-400)}`);
            row.s[k].push(r);
            if (k === 'sea' || k === 'phases') {
              const j = JSON.parse(r.stdout);
              if (k === 'sea') {
                row.elapsed.push(j.elapsedMs);
                row.helperMs.push(j.facts?.native?.helper?.value?.elapsedMs ?? NaN);
                const ch = j.facts?.native?.helper?.value?.children;
                if (ch) row.children = `${ch.forked} forked, ${ch.shared} sharing memory`;
                row.platform = j.verdict?.headline ?? '?';
              }
              if (k === 'phases') {
                const line = r.stderr.split('\n').find((l) => l.startsWith('SBX_PHASES '));
                if (line) row.phases.push(JSON.parse(line.slice('SBX_PHASES '.length)));
              }
            }
          }
        }
        if (freeze > 0) {
          let hung = 0, done = 0;
          for (let i = 0; i < freeze; i++) {
            const r = exec(c, [], COMMANDS.peer.argv, 20);
            if (r.status === 'timeout') hung++;
            else if (r.status === 'exit:0') done++;
          }
          row.freeze = `${done}/${freeze} finished, ${hung} hung (cut at 20 s)`;
        }
        rows.push(row);
        const m = (k: Key) => s3(median(row.s[k].map((x) => x.inside)));
        process.stderr.write(`done: ${runtime} nofile ${nofile}: inside node ${m('node')} amicontained ${m('peer')} sbx-detect ${m('sea')} helper alone ${m('helper')} (s)\n`);
      }
    }
  } finally {
    await engine.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const med = (r: Row, k: Key, f: 'whole' | 'inside') => median(r.s[k].map((x) => x[f]));
  console.log('Whole runs (`docker exec -i C …` timed from the host) and the in-container part (sbx-timer inside), medians in seconds:\n');
  console.log('| runtime | RLIMIT_NOFILE | node -e 0 inside | amicontained inside | sbx-detect --json inside | ratio inside | the helper alone inside (--via) | helper ÷ amicontained | amicontained whole | sbx-detect --json whole | ratio whole | peak RSS amicontained / sbx-detect / helper (MiB) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const rss = (k: Key) => (Math.max(...r.s[k].map((x) => x.maxrssKb)) / 1024).toFixed(1);
    console.log(`| ${r.runtime} | ${r.nofile} | ${s3(med(r, 'node', 'inside'))} | ${s3(med(r, 'peer', 'inside'))} | ${s3(med(r, 'sea', 'inside'))} | ` +
      `${(med(r, 'sea', 'inside') / med(r, 'peer', 'inside')).toFixed(2)}× | ${s3(med(r, 'helper', 'inside'))} | ${(med(r, 'helper', 'inside') / med(r, 'peer', 'inside')).toFixed(2)}× | ` +
      `${s3(med(r, 'peer', 'whole'))} | ${s3(med(r, 'sea', 'whole'))} | ` +
      `${(med(r, 'sea', 'whole') / med(r, 'peer', 'whole')).toFixed(2)}× | ${rss('peer')} / ${rss('sea')} / ${rss('helper')} |`);
  }
  console.log('\nWhere sbx-detect\'s time goes inside (bin/sbx-detect under Node with test/matrix/bench-phases.cjs preloaded; medians in ms; ' +
    '`elapsedMs` and the helper\'s own time are those of the single executable\'s report):\n');
  console.log('| runtime | RLIMIT_NOFILE | node -e 0 | Node start-up | module load | arguments | file probes (beside the helper) | helper (spawn to close) | waiting on the helper after the files | classify, render | exit | whole, in-container | single executable: elapsedMs / helper |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const p = r.phases;
    const f = (g: (x: Phases) => number) => ms(median(p.map(g)));
    const helperStart = (x: Phases) => x.helper[0]?.[0] ?? x.exit;
    const helperEnd = (x: Phases) => x.helper.at(-1)?.[1] ?? x.lastFs ?? x.exit;
    const started = (x: Phases) => Math.min(x.firstFs ?? x.exit, helperStart(x));
    console.log(`| ${r.runtime} | ${r.nofile} | ${ms(med(r, 'node', 'inside') * 1000)} | ${f((x) => x.loadStart ?? x.preload)} | ${f((x) => (x.loadEnd ?? 0) - (x.loadStart ?? 0))} | ` +
      `${f((x) => started(x) - (x.loadEnd ?? 0))} | ${f((x) => (x.lastFs ?? 0) - (x.firstFs ?? 0))} | ${f((x) => x.helper.reduce((a, h) => a + ((h[1] ?? x.exit) - h[0]), 0))} | ` +
      `${f((x) => Math.max(0, helperEnd(x) - Math.max(x.lastFs ?? 0, helperStart(x))))} | ` +
      `${f((x) => x.exit - helperEnd(x))} | ${ms(median(r.s.phases.map((x) => x.inside * 1000)) - median(p.map((x) => x.exit)))} | ${ms(med(r, 'phases', 'inside') * 1000)} | ` +
      `${ms(median(r.elapsed))} / ${ms(median(r.helperMs))} |`);
  }
  if (freeze > 0) {
    console.log('\namicontained without GODEBUG=asyncpreemptoff=1:\n');
    for (const r of rows) console.log(`- ${r.runtime}, RLIMIT_NOFILE ${r.nofile}: ${r.freeze}`);
  }
  for (const r of rows) if (r.peerHung) console.log(`\n${r.runtime}, RLIMIT_NOFILE ${r.nofile}: amicontained (with GODEBUG=asyncpreemptoff=1) hung in ${r.peerHung} of ${runs} runs (cut at 30 s, not in the medians)`);
  console.log(`\nverdicts: ${[...new Set(rows.map((r) => `${r.runtime}: ${r.platform}`))].join('; ')}`);
  // process creations per report: the helper's children, as its own count says (facts.native.helper.children);
  // beside them the tool makes one process (the helper) and Node its own threads
  console.log(`probe children per report: ${[...new Set(rows.map((r) => `${r.runtime}: ${r.children ?? 'not told'}`))].join('; ')}`);
  return 0;
}
