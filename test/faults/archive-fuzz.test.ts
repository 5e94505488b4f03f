// Untrusted input at the edges (issue #14): snapshot archives given to --replay and snapshot
// directories given to --root never crash the tool.
//
// Structure-aware fuzzing from the real captures in fixtures/captures: each run mutates one
// capture the way a broken disk, a cut download or a hostile editor would (archive-mutants.ts:
// keys deleted and renamed, values of the wrong type, huge strings, deep nesting, keys named
// after Object.prototype's members, keys duplicated in the JSON text, numbers out of range, the
// text cut short or a character changed) and requires a report that follows
// schema/report.schema.json, or a usage error naming what is wrong — never an internal error —
// in bounded time and memory.
//
// 10,000 runs go in process through the CLI's own path (parseArchive → createReplayHost →
// gatherFacts → classify → buildReport, renderJson, --expect, --pss, the table), in worker
// threads so both cores work; a few hundred go through the built bundle with --replay. The
// generator is seeded: a failure names SBX_FUZZ_SEED and SBX_FUZZ_ONLY, which replay that run
// alone; SBX_FUZZ_RUNS changes the count.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ARCHIVE_BYTES, parseArchive } from '../../src/readers/archive.js';
import { MAX_READ_BYTES } from '../../src/readers/host.js';
import { BUNDLE, ensureBuilt, PROJECT } from '../support/built.js';
import { schemaErrors } from '../support/schema.js';
import { type BatchResult, init, mutant, REFUSAL, rngFor, runBatch } from './archive-mutants.js';

const SEED = Number(process.env.SBX_FUZZ_SEED ?? 0x5b8d14);
const RUNS = Number(process.env.SBX_FUZZ_RUNS ?? 10_000);
const ONLY = process.env.SBX_FUZZ_ONLY === undefined ? null : Number(process.env.SBX_FUZZ_ONLY);
const BUNDLE_RUNS = ONLY === null ? Math.max(1, Math.round(RUNS / 50)) : 0;
const MAX_RUN_MS = 3000;
const CAPTURES = init(PROJECT);
const capture = (name: string) => readFileSync(join(PROJECT, 'fixtures/captures', name), 'utf8');

const tmp = mkdtempSync(join(tmpdir(), 'sbx-archive-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Each bundle run reports its peak RSS through this preload (written at exit, to a file).
const PRELOAD = join(tmp, 'max-rss.cjs');
writeFileSync(PRELOAD, "process.on('exit', () => require('fs').writeFileSync(process.env.SBX_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");

/** Output for a failure message: never the whole of a large report. */
const head = (text: string) => (text.length > 1500 ? `${text.slice(0, 1500)}… (${text.length} characters)` : text);

interface Run { code: number | null; signal: string | null; stdout: string; stderr: string; ms: number; rssMiB: number }

/** The bundle, as a user runs it, with its time and peak memory. */
function runBundle(args: string[], opts: { pipeFrom?: string; timeoutMs?: number } = {}): Promise<Run> {
  const rssFile = join(tmp, `rss-${process.hrtime.bigint()}`);
  const node = [process.execPath, '-r', PRELOAD, BUNDLE, ...args];
  // a real pipe on stdin when asked for (Node's own stdio "pipe" is a socket, which /dev/stdin cannot open)
  const [cmd, ...argv] = opts.pipeFrom ? ['/bin/sh', '-c', `${opts.pipeFrom} | exec "$0" "$@"`, ...node] : node;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, {
      env: { ...process.env, SBX_RSS_FILE: rssFile, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 30_000,
    });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout!.on('data', (d) => out.push(d));
    child.stderr!.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let rss = NaN;
      try { rss = Number(readFileSync(rssFile, 'utf8')) / 1024; rmSync(rssFile); } catch { /* killed before exit */ }
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - t0, rssMiB: rss });
    });
  });
}

/** A real capture, changed by `edit`, written to a file of its own. */
function editedCapture(name: string, edit: (a: Record<string, any>) => void): string {
  const a = JSON.parse(capture(name));
  edit(a);
  const file = join(tmp, `${name}-${process.hrtime.bigint()}.json`);
  writeFileSync(file, JSON.stringify(a));
  return file;
}

const noInternalError = (r: Run) => {
  expect(head(r.stderr)).not.toMatch(/internal error/);
  expect(r.code, head(r.stderr)).not.toBe(4);
};

describe('issue #14: broken archives and --root paths are usage errors, through the built bundle', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('a truncated archive (format and version only): exit 2, naming every missing part by JSON path', async () => {
    const file = join(tmp, 'truncated.json');
    writeFileSync(file, '{"format":"sbx-detect-snapshot","version":1}');
    const r = await runBundle(['--replay', file]);
    noInternalError(r);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    for (const key of ['captured', 'uname', 'env', 'files', 'binaryFiles', 'links', 'dirs', 'stat', 'helper']) expect(r.stderr).toContain(`  $.${key}: missing (expected `);
  });

  it('helper {"value":{"lines":"x"}}: exit 2, naming $.helper.value.lines', async () => {
    const r = await runBundle(['--replay', editedCapture('runc.json', (a) => { a.helper = { value: { lines: 'x' } }; })]);
    noInternalError(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('  $.helper.value.lines: expected an array of objects');
  });

  it('the text of /proc/self/status replaced by the number 12: exit 2, naming that very value', async () => {
    const r = await runBundle(['--replay', editedCapture('runc.json', (a) => { a.files['/proc/self/status'].value = 12; })]);
    noInternalError(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sbx-detect: --replay');
    expect(r.stderr.split('\n')).toContain('  $.files["/proc/self/status"].value: expected a string');
  });

  it('not JSON, another kind of file, another version: exit 2 with the reason', async () => {
    const cases: [string, string][] = [
      ['{"format":"sbx-detect-snapshot",', 'not JSON ('],
      ['[1,2,3]', 'not an sbx-detect-snapshot archive ($.format'],
      [capture('runc.json').replace('"version": 1', '"version": 2'), 'archive version 2 is not 1 ($.version)'],
    ];
    for (const [text, says] of cases) {
      const file = join(tmp, `case-${process.hrtime.bigint()}.json`);
      writeFileSync(file, text);
      const r = await runBundle(['--replay', file]);
      noInternalError(r);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(says);
    }
  });

  it('a helper line nested 100,000 deep, naming Object.prototype members: the report still comes (exit 0, schema-valid), the line is named as refused', async () => {
    // the fuzzer's first find: JSON.stringify of such a value in the scan's reading overflowed the stack
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const file = editedCapture('runc.json', (a) => { a.helper.value.lines.push({ req: 'error', error: '@DEEP@', line: { toString: 1, valueOf: 2 } }); });
    writeFileSync(file, readFileSync(file, 'utf8').replace('"@DEEP@"', deep));
    const r = await runBundle(['--replay', file, '--json']);
    noInternalError(r);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(schemaErrors(report)).toEqual([]);
    expect(report.facts.native.syscalls.value.helperProblems).toContain('the helper refused a line: [[[[[[[…]]]]]]] ({"toString":1,"valueOf":2})');
    expect(report.verdict.sandbox.class).toBe('runc-class'); // the rest of the answer is intact
  });

  it('--root /nonexistent: exit 2 "no such directory"; --root /etc/passwd (a file): exit 2 "not a directory"', async () => {
    const missing = await runBundle(['--root', '/nonexistent-sbx-root', '--json']);
    noInternalError(missing);
    expect(missing.code).toBe(2);
    expect(missing.stdout.length).toBe(0);
    expect(missing.stderr).toContain('--root /nonexistent-sbx-root: no such directory');
    const file = await runBundle(['--root', '/etc/passwd', '--json']);
    noInternalError(file);
    expect(file.code).toBe(2);
    expect(file.stdout.length).toBe(0);
    expect(file.stderr).toContain('--root /etc/passwd: not a directory');
  });

  it('--root with a broken .sbx/host.json (not JSON; a field of the wrong type): exit 2 naming the file and the JSON path', async () => {
    const root = join(tmp, 'root-docker');
    cpSync(join(PROJECT, 'fixtures/snapshots/docker-cgroupv2'), root, { recursive: true });
    const manifest = join(root, '.sbx/host.json');
    const good = JSON.parse(readFileSync(manifest, 'utf8'));
    expect((await runBundle(['--root', root, '--json', '--no-helper'])).code).toBe(0);

    writeFileSync(manifest, '{"uname": ');
    const notJson = await runBundle(['--root', root, '--json', '--no-helper']);
    noInternalError(notJson);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain(`${manifest}: not JSON`);

    writeFileSync(manifest, JSON.stringify({ ...good, uname: { ...good.uname, release: 12 }, stat: { '/dev/kvm': { type: 'char' } } }));
    const wrong = await runBundle(['--root', root, '--json', '--no-helper']);
    noInternalError(wrong);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('  $.uname.release: expected a string');
    expect(wrong.stderr).toContain('  $.stat["/dev/kvm"].mode: missing (expected a number)');
  });
});

describe(`archive size: at most ${MAX_ARCHIVE_BYTES / 1048576} MiB, the rest refused without being read`, () => {
  beforeAll(() => ensureBuilt(), 120_000);
  const HUGE = 100 * 1024 * 1024;

  it('a 100 MiB archive file: exit 2 at once, naming the cap, with no more memory than a small run', async () => {
    // a real capture with a 100 MiB /proc/cmdline: valid JSON, valid schema, only too big
    const a = JSON.parse(capture('runc.json'));
    const shape = JSON.stringify({ ...a, files: { ...a.files, '/proc/cmdline': { value: '@' } } });
    const [before, after] = shape.split('"@"');
    const file = join(tmp, 'huge.json');
    writeFileSync(file, Buffer.concat([Buffer.from(before + '"'), Buffer.alloc(HUGE - shape.length, 'x'), Buffer.from('"' + after)]));
    const small = await runBundle(['--replay', join(PROJECT, 'fixtures/captures/runc.json'), '--json']);
    const r = await runBundle(['--replay', file, '--json']);
    rmSync(file);
    noInternalError(r);
    expect(r.code).toBe(2);
    expect(head(r.stderr)).toContain(`it is 100.0 MiB, larger than the ${MAX_ARCHIVE_BYTES / 1048576} MiB an archive may be`);
    expect(r.ms).toBeLessThan(2000);
    expect(r.rssMiB).toBeLessThan(small.rssMiB + 20);
  }, 60_000);

  it('100 MiB through a pipe (--replay /dev/stdin, no size to ask): reads one byte past the cap, then exit 2', async () => {
    const r = await runBundle(['--replay', '/dev/stdin'], { pipeFrom: `head -c ${HUGE} /dev/zero` });
    noInternalError(r);
    expect(r.code).toBe(2);
    expect(head(r.stderr)).toContain(`it is larger than the ${MAX_ARCHIVE_BYTES / 1048576} MiB an archive may be`);
    expect(r.rssMiB).toBeLessThan(MAX_ARCHIVE_BYTES / 1048576 * 2 + 80);
  }, 60_000);

  it('an archive just under the cap replays; the oversized file in it is cut as a live read would be (TRUNCATED)', async () => {
    const a = JSON.parse(capture('runc.json'));
    const size = MAX_ARCHIVE_BYTES - 256 * 1024;
    a.files['/proc/cmdline'] = { value: 'x'.repeat(size - capture('runc.json').length) };
    const file = join(tmp, 'just-under.json');
    writeFileSync(file, JSON.stringify(a));
    const r = await runBundle(['--replay', file, '--json']);
    rmSync(file);
    noInternalError(r);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(schemaErrors(report)).toEqual([]);
    expect(r.stdout.includes(`TRUNCATED: /proc/cmdline is larger than ${MAX_READ_BYTES} bytes`), head(r.stdout)).toBe(true);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.rssMiB).toBeLessThan(600);
    console.log(`archive of ${(size / 1048576).toFixed(1)} MiB: replayed in ${r.ms.toFixed(0)} ms, peak RSS ${r.rssMiB.toFixed(0)} MiB`);
  }, 60_000);
});

describe(`fuzzed archives from the ${CAPTURES.length} real captures (seed ${SEED})`, () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it(`${ONLY === null ? RUNS : 1} mutations in process: a schema-valid report or a refusal naming the fault, never an exception, each run under ${MAX_RUN_MS} ms`, async () => {
    let results: BatchResult[];
    if (ONLY !== null) {
      results = [await runBatch({ project: PROJECT, seed: SEED, from: ONLY, to: ONLY + 1, maxRunMs: MAX_RUN_MS })];
    } else {
      // the same code, bundled as the CLI is, run in one worker thread per core
      const worker = join(tmp, 'fuzz-worker.cjs');
      await build({ entryPoints: [join(__dirname, 'archive-fuzz-worker.ts')], outfile: worker, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
      const n = Math.max(1, Math.min(4, availableParallelism()));
      const share = Math.ceil(RUNS / n);
      results = await Promise.all(Array.from({ length: n }, (_, i) => new Promise<BatchResult>((resolve, reject) => {
        const w = new Worker(worker, {
          workerData: { project: PROJECT, seed: SEED, from: i * share, to: Math.min(RUNS, (i + 1) * share), maxRunMs: MAX_RUN_MS },
          // a worker's stack is 4 MiB, the CLI's main thread ~1 MiB: give it the CLI's, so input
          // nested deep enough to overflow the CLI overflows here too
          resourceLimits: { stackSizeMb: 1 },
        });
        w.once('message', (m) => (m.crashed ? reject(new Error(m.crashed)) : resolve(m)));
        w.once('error', reject);
      })));
    }
    const failures = results.flatMap((r) => r.failures);
    expect(failures.join('\n\n')).toBe('');
    const runs = results.reduce((s, r) => s + r.runs, 0);
    const reports = results.reduce((s, r) => s + r.counts.report, 0);
    const refused = results.reduce((s, r) => s + r.counts.refused, 0);
    const slowest = results.map((r) => r.slowest).sort((a, b) => b.ms - a.ms)[0];
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(`archive fuzz: ${runs} runs (${results.length} threads, ${(Math.max(...results.map((r) => r.elapsedMs)) / 1000).toFixed(1)} s): ` +
      `${reports} reports, ${refused} refusals; slowest ${slowest.ms.toFixed(0)} ms: ${slowest.what}; peak RSS ${maxRssMiB.toFixed(0)} MiB`);
    expect(runs).toBe(ONLY === null ? RUNS : 1);
    if (ONLY === null) {
      // both sides of the door are exercised, or the test proves nothing
      expect(reports).toBeGreaterThan(RUNS * 0.3);
      expect(refused).toBeGreaterThan(RUNS * 0.2);
    }
    expect(maxRssMiB).toBeLessThan(1536);
  }, 300_000);

  it(`${BUNDLE_RUNS} mutations through the built bundle (--replay FILE, as a user runs it): exit 0-3 and a report, or exit 2 and the reason; never exit 4`, async () => {
    const seed = (SEED ^ 0xb0d1e) >>> 0;
    const modes = [['--json'], [], ['--json', '--expect', 'sandbox=runc-class', '--pss', 'restricted'], ['--json', '--no-syscalls'], ['--no-helper', '--explain']];
    const problems: string[] = [];
    let worst = { ms: 0, rss: 0 };
    const counts = { report: 0, refused: 0 };
    let next = 0;
    const one = async () => {
      for (let run = next++; run < BUNDLE_RUNS; run = next++) {
        const rng = rngFor(seed, run);
        const m = mutant(rng);
        const args = modes[run % modes.length];
        let bytes = Buffer.from(m.text, 'utf8');
        if (rng.chance(0.05)) { bytes = Buffer.from(bytes); bytes[rng.int(bytes.length)] = 0xff; m.ops.push('a byte made invalid UTF-8'); } // only a file can hold that
        const file = join(tmp, `bundle-${run}.json`);
        writeFileSync(file, bytes);
        const r = await runBundle(['--replay', file, ...args]);
        rmSync(file);
        const what = `seed ${seed} bundle run ${run} [${m.ops.join('; ')}] ${args.join(' ')}`;
        const wanted = typeof parseArchive(bytes.toString('utf8')) === 'string' ? 'refused' : 'report';
        worst = { ms: Math.max(worst.ms, r.ms), rss: Math.max(worst.rss, r.rssMiB) };
        if (r.code === null || r.code > 3 || /internal error/.test(r.stderr)) { problems.push(`${what}: exit ${r.code} ${r.signal ?? ''}\n${r.stderr.slice(0, 2000)}`); continue; }
        if (wanted === 'refused') {
          counts.refused++;
          const line = r.stderr.split('\n')[0] + (r.stderr.includes('\n  $') ? `\n  ${r.stderr.split('\n  ')[1]}` : '');
          const prefix = `sbx-detect: --replay ${file}: `;
          if (r.code !== 2 || !line.startsWith(prefix) || !REFUSAL.test(line.slice(prefix.length))) problems.push(`${what}: expected exit 2 and the reason, got ${r.code}: ${r.stderr.slice(0, 500)}`);
          continue;
        }
        counts.report++;
        if (r.code === 2) { problems.push(`${what}: refused an archive the in-process path accepts: ${r.stderr.slice(0, 500)}`); continue; }
        if (args.includes('--json')) {
          let report: unknown;
          try { report = JSON.parse(r.stdout); } catch { problems.push(`${what}: stdout is not JSON`); continue; }
          const errs = schemaErrors(report);
          if (errs.length) problems.push(`${what}: report breaks the schema: ${errs.join('; ')}`);
        } else if (!r.stdout.startsWith('Sandbox:')) problems.push(`${what}: no table on stdout`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(2, availableParallelism())) }, one));
    console.log(`archive fuzz through the bundle: ${BUNDLE_RUNS} runs, ${counts.report} reports, ${counts.refused} refusals; slowest ${worst.ms.toFixed(0)} ms, peak RSS ${worst.rss.toFixed(0)} MiB`);
    expect(problems.join('\n\n')).toBe('');
    expect(counts.report).toBeGreaterThan(0);
    expect(counts.refused).toBeGreaterThan(0);
    expect(worst.ms).toBeLessThan(15_000);
    expect(worst.rss).toBeLessThan(600);
  }, 300_000);
});
