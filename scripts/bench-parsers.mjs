// Benchmark: time and memory of the probes on enormous input (issue 8, "Corrupted input"):
// a 1 MiB /proc/cmdline, a 100,000-line mountinfo, a file past MAX_READ_BYTES (cut by the
// reader), and /proc/self/maps lines that made parseMaps' regex backtrack before it was fixed.
// Prints a markdown table for docs/speed.md, "Hostile input stays bounded" (the README's until
// issue #25 moved the benchmarks there). Nothing here asserts a threshold (no timed tests).
//
//   node scripts/bench-parsers.mjs [--runs N]
//
// Node 20 cannot import .ts, so the probes are bundled on the fly with esbuild into a temporary
// ES module. Each case runs in its own `node --expose-gc` child, so peak RSS is the case's own.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Inputs: test/support/big-inputs.ts (bundled with the probes), shared with the bounds tests.

function snapshotDir(files) {
  const root = mkdtempSync(join(tmpdir(), 'sbx-bench-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return root;
}

// name -> { input: (p) => [value, bytes, cleanup?], run: (probes, value) => result, check: (result) => string }
const CASES = {
  'parseCmdline — 1 MiB cmdline': {
    input: (p) => { const t = p.bigCmdline(MiB).text; return [t, Buffer.byteLength(t)]; },
    run: (p, t) => p.parseCmdline(t),
    check: (r) => `${r.tokens.length} tokens`,
  },
  'parseCmdline — 1 MiB, one unterminated quote': {
    input: (p) => { const t = '"' + 'a '.repeat(MiB / 2 - 1); return [t, t.length]; },
    run: (p, t) => p.parseCmdline(t),
    check: (r) => `${r.tokens.length} tokens`,
  },
  'probeKernel via reader — 1 MiB /proc/cmdline': {
    input: (p) => { const t = p.bigCmdline(MiB).text; const root = snapshotDir({ '/proc/cmdline': t }); return [root, MiB, () => rmSync(root, { recursive: true })]; },
    run: (p, root) => p.probeKernel(p.createSnapshotHost(root, {})),
    check: (r) => (r.cmdline.known ? `${r.cmdline.value.tokens.length} tokens` : r.cmdline.reason),
  },
  'parseMountinfo — 100,000 lines (realistic, 17 MiB)': {
    input: (p) => { const t = p.bigMountinfo(100_000); return [t, Buffer.byteLength(t)]; },
    run: (p, t) => p.parseMountinfo(t),
    check: (r) => `${r.length} entries`,
  },
  'gatherFileFacts via reader — 100,000 compact mountinfo lines': {
    input: (p) => {
      const t = p.bigMountinfo(100_000, 'compact');
      const root = snapshotDir({ '/proc/self/mountinfo': t, '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': 'max 100000\n' });
      return [root, Buffer.byteLength(t), () => rmSync(root, { recursive: true })];
    },
    run: (p, root) => p.gatherFileFacts(p.createSnapshotHost(root, {})),
    check: (r) => (r.mounts.entries.known ? `${r.mounts.entries.value.length} entries` : r.mounts.entries.reason),
  },
  'probeMounts via reader — 100,000 realistic lines (past the cap)': {
    input: (p) => {
      const t = p.bigMountinfo(100_000);
      const root = snapshotDir({ '/proc/self/mountinfo': t });
      return [root, Buffer.byteLength(t), () => rmSync(root, { recursive: true })];
    },
    run: (p, root) => p.probeMounts(p.createSnapshotHost(root, {})),
    check: (r) => (r.entries.known ? `${r.entries.value.length} entries` : r.entries.reason),
  },
  'readCapped — 4 MiB + 1 byte file': {
    input: (p) => { const root = snapshotDir({ '/big': Buffer.alloc(4 * MiB + 1, 0x61) }); return [join(root, 'big'), 4 * MiB + 1, () => rmSync(root, { recursive: true })]; },
    run: (p, file) => p.readCapped(file),
    check: (r) => (r.ok ? `read ${r.value.length}` : r.error.code),
  },
  ...Object.fromEntries([8, 16, 32].map((k) => [`parseMaps — hostile line, 2 × ${k} KiB (was quadratic before the s flag)`, {
    input: (p) => { const t = p.hostileMapsLine(k * 1024); return [t, t.length]; },
    run: (p, t) => p.parseMaps(t),
    check: (r) => (r.reason ? `Invalid: ${r.reason}` : 'parsed'),
  }])),
};

// ---------------------------------------------------------------------------------------------
// Child: one case, measured.

async function child(bundle, name, runs) {
  const p = await import(pathToFileURL(bundle).href);
  const c = CASES[name];
  const [value, bytes, cleanup] = c.input(p);
  globalThis.gc();
  const base = process.memoryUsage();
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    result = undefined;
    const t0 = performance.now();
    result = c.run(p, value);
    times.push(performance.now() - t0);
  }
  const peakRssKb = process.resourceUsage().maxRSS;
  globalThis.gc();
  const retained = process.memoryUsage().heapUsed - base.heapUsed;
  const summary = c.check(result);
  cleanup?.();
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({
    name, bytes, runs, medianMs: times[Math.floor(times.length / 2)], maxMs: times.at(-1),
    peakRssMiB: peakRssKb / 1024, rssOverBaseMiB: Math.max(0, peakRssKb * 1024 - base.rss) / MiB,
    retainedMiB: retained / MiB, summary,
  }));
}

// ---------------------------------------------------------------------------------------------
// Parent: bundle, run every case in its own process, print the table.

async function main() {
  const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
  const runs = Number(arg('runs', '5'));
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'sbx-bench-bundle-'));
  const bundle = join(dir, 'probes.mjs');
  try {
    await build({
      stdin: {
        contents: [
          "export { parseCmdline, probeKernel } from './probes/kernel.ts';",
          "export { parseMountinfo, probeMounts } from './probes/mounts.ts';",
          "export { parseMaps } from './probes/maps.ts';",
          "export { gatherFileFacts } from './probes/index.ts';",
          "export { createSnapshotHost } from './readers/snapshot.ts';",
          "export { readCapped } from './readers/live.ts';",
          "export { bigCmdline, bigMountinfo, hostileMapsLine } from '../test/support/big-inputs.ts';",
        ].join('\n'),
        resolveDir: join(here, 'src'), loader: 'ts', sourcefile: 'bench-entry.ts',
      },
      bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'warning',
    });
    const rows = [];
    for (const name of Object.keys(CASES)) {
      const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', bundle, name, String(runs)], { encoding: 'utf8', maxBuffer: 16 << 20 });
      if (r.status !== 0) {
        console.error(`${name}: child failed (${r.status ?? r.signal}): ${r.stderr.slice(-800)}`);
        process.exitCode = 1;
        continue;
      }
      rows.push(JSON.parse(r.stdout));
      process.stderr.write('.');
    }
    process.stderr.write('\n');
    const uname = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
    console.log(`runs: ${runs} per case, each case in its own process; kernel ${uname}, node ${process.version}\n`);
    console.log('| case | input | median (ms) | max (ms) | peak RSS (MiB) | RSS over baseline (MiB) | heap kept by result (MiB) | result |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(`| ${r.name} | ${(r.bytes / MiB).toFixed(2)} MiB | ${r.medianMs.toFixed(1)} | ${r.maxMs.toFixed(1)} | ${r.peakRssMiB.toFixed(1)} | ${r.rssOverBaseMiB.toFixed(1)} | ${r.retainedMiB.toFixed(1)} | ${r.summary} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], Number(process.argv[5]));
else await main();
