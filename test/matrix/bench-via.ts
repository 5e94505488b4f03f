// npm run bench -- --via [--runs N] [--fleet N] [--parallel P]: the footprint of --via, measured
// side by side in the same run on a private dockerd (test/support/engines.ts):
//   - per runtime (runc, runsc): `node -e 0` here, `docker exec C true` (the channel's own cost),
//     the tool run inside the container (`docker exec C sbx-detect --json`, timed from here), and
//     `sbx-detect --via "docker exec -i C" --json` from here; medians, interleaved;
//   - bytes sent into the target and received, and round trips (the report's `collection`);
//   - a fleet: N busybox containers (no glibc) collected with at most P at a time.
// Nothing asserts a threshold; the figures go in docs/speed.md, "From outside (`--via`)" (they were
// in the README until issue #25 moved the benchmarks there).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE } from '../support/built.js';
import { buildImageRoots, type Engine, startDocker } from '../support/engines.js';

const arg = (argv: string[], name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(argv: string[]): { secs: number; stdout: string; code: number | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { secs: Number(process.hrtime.bigint() - t0) / 1e9, stdout: r.stdout, code: r.status };
}

function timedAsync(argv: string[]): Promise<{ secs: number; stdout: string; code: number | null }> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const c = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    c.stdout.on('data', (b) => (out += b));
    c.on('close', (code) => resolve({ secs: Number(process.hrtime.bigint() - t0) / 1e9, stdout: out, code }));
  });
}

export async function main(argv: string[]): Promise<number> {
  const runs = Number(arg(argv, 'runs', '7'));
  const fleet = Number(arg(argv, 'fleet', '40'));
  const parallel = Number(arg(argv, 'parallel', '8'));
  const work = mkdtempSync(join(tmpdir(), 'sbx-bench-via-'));
  const engine = await startDocker(buildImageRoots(work));
  if (typeof engine === 'string') {
    console.error(`bench --via: docker cannot start: ${engine}`);
    return 1;
  }
  try {
    console.log(`runs: ${runs} each, interleaved; ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, node ${process.version}\n`);
    console.log('| runtime | node -e 0 | docker exec C true | inside: docker exec C sbx-detect --json | --via "docker exec -i C" --json | via ÷ inside | sent into the target | received | round trips |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const runtime of ['runc', 'runsc']) {
      const c = await engine.start(`bench-${runtime}`, 'sbx-recon-sh', ['--runtime', runtime, '--user', '20000:20000']);
      const cmds = {
        node: [process.execPath, '-e', '0'],
        exec: [...engine.cli, 'exec', '-i', c, 'true'],
        inside: [...engine.cli, 'exec', '-i', c, '/usr/local/bin/sbx-detect', '--json'],
        via: [process.execPath, BUNDLE, '--via', engine.via(c), '--json'],
      };
      const s: Record<string, number[]> = { node: [], exec: [], inside: [], via: [] };
      let collection: Record<string, number> = {};
      for (let i = 0; i < runs; i++) {
        for (const [k, cmd] of Object.entries(cmds)) {
          const r = timed(cmd);
          if (r.code !== 0) throw new Error(`${cmd.join(' ')} exited ${r.code}`);
          s[k].push(r.secs);
          if (k === 'via') collection = JSON.parse(r.stdout).collection;
        }
      }
      const m = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, median(v)]));
      console.log(`| ${runtime} | ${m.node.toFixed(3)} s | ${m.exec.toFixed(3)} s | ${m.inside.toFixed(3)} s | ${m.via.toFixed(3)} s | ${(m.via / m.inside).toFixed(2)}× | ${(collection.bytesSent / 1024).toFixed(1)} KiB | ${(collection.bytesReceived / 1024).toFixed(1)} KiB | ${collection.roundTrips} |`);
    }

    // named as dockershim named pod containers, so the kubectl stand-in lists them as pods
    const names: string[] = [];
    for (let i = 0; i < fleet; i++) names.push(await engine.start(`k8s_app_fleet-${i}_fleet`, 'sbx-busybox', ['--user', '20000:20000']));
    const t0 = process.hrtime.bigint();
    const results: { secs: number; sent: number; received: number; ok: boolean }[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: parallel }, async () => {
      while (next < names.length) {
        const c = names[next++];
        const r = await timedAsync([process.execPath, BUNDLE, '--via', engine.via(c), '--json']);
        const col = r.code === 0 ? JSON.parse(r.stdout).collection : null;
        results.push({ secs: r.secs, sent: col?.bytesSent ?? 0, received: col?.bytesReceived ?? 0, ok: r.code === 0 });
      }
    }));
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`\nfleet: ${fleet} busybox containers (runc, no glibc), ${parallel} at a time: ${wall.toFixed(1)} s wall, ` +
      `${results.filter((r) => r.ok).length}/${fleet} reports, per container median ${median(results.map((r) => r.secs)).toFixed(2)} s, ` +
      `${(median(results.map((r) => r.sent)) / 1024).toFixed(1)} KiB sent and ${(median(results.map((r) => r.received)) / 1024).toFixed(1)} KiB received`);

    // the same fleet as `kubectl sbx --all -n fleet --parallel P --json`, through the stand-in
    // (test/kubectl/kubectl-standin.mjs: kubectl exec and get translated onto this dockerd)
    const t1 = process.hrtime.bigint();
    const k = spawnSync(process.execPath, [BUNDLE, 'kubectl', '--all', '-n', 'fleet', '--parallel', String(parallel), '--json'], {
      encoding: 'utf8', maxBuffer: 256 << 20,
      env: { ...process.env, KUBECTL_SBX_KUBECTL: join(__dirname, '../kubectl/kubectl-standin.mjs'), STANDIN_DOCKER: JSON.stringify(engine.cli) },
    });
    const kwall = Number(process.hrtime.bigint() - t1) / 1e9;
    const docs = k.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const sent = docs.map((d) => d.collection?.bytesSent ?? 0), received = docs.map((d) => d.collection?.bytesReceived ?? 0);
    console.log(`kubectl sbx --all -n fleet --parallel ${parallel} --json (kubectl stand-in onto the same containers): ${kwall.toFixed(1)} s wall, ` +
      `exit ${k.status}, ${docs.filter((d) => d.collection).length}/${fleet} reports, ${(median(sent) / 1024).toFixed(1)} KiB sent and ${(median(received) / 1024).toFixed(1)} KiB received per pod`);
    return 0;
  } finally {
    await engine.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
