// sbx-detect: what isolates this process? The whole flow: parse arguments, pick the host
// (live or a snapshot), gather facts, classify, render. Exit codes are documented in the README.
import { writeFileSync } from 'node:fs';
import yargs from 'yargs';
import { classify } from './classifier/verdict.js';
import { gatherFacts } from './probes/index.js';
import { createRecordingHost, createReplayHost, parseArchive } from './readers/archive.js';
import type { Host } from './readers/host.js';
import { createLiveHost, readCapped } from './readers/live.js';
import { createSnapshotHost } from './readers/snapshot.js';
import { buildReport, renderJson } from './render/json.js';
import { makeStyle, wantColour } from './render/style.js';

declare const SBX_VERSION: string; // set by build.mjs
const VERSION = typeof SBX_VERSION === 'string' ? SBX_VERSION : '0.0.0-dev';

export const EXIT = { ok: 0, expectationFailed: 1, usage: 2, undetermined: 3, internal: 4 } as const;

export async function main(argv: string[]): Promise<number> {
  let usageError: string | null = null;
  const args = await yargs(argv)
    .scriptName('sbx-detect')
    .usage('$0 [options]\n\nTells, from inside a container or pod, what isolates it, with the evidence.')
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document instead of tables' })
    .command('$0', 'print the report (tables, or JSON with --json)')
    .command('snapshot', 'write every input the tool reads to an archive, for bug reports (-o FILE, - for stdout)')
    .option('o', { alias: 'output', type: 'string', describe: 'snapshot: the archive to write' })
    .option('root', { type: 'string', describe: 'read a snapshot directory laid out like / instead of the live system' })
    .option('replay', { type: 'string', describe: 'reproduce the report from a snapshot archive' })
    .conflicts('root', 'replay')
    .option('syscalls', { type: 'boolean', default: true, describe: 'run the syscall scan (--no-syscalls skips it)' })
    .option('helper', { type: 'boolean', default: true, describe: 'run the native helper at all (--no-helper: files only)' })
    .option('explain', { type: 'boolean', default: false, describe: 'show every signal considered, with its weight' })
    .option('timeout', { type: 'number', default: 30, describe: 'seconds the native helper may run in total' })
    .strict()
    .version(VERSION)
    .help()
    .exitProcess(false)
    .fail((msg, err) => {
      usageError = msg ?? err?.message ?? 'usage error';
    })
    .parseAsync();
  if (usageError) return usage(usageError);
  if (args.help || args.version) return EXIT.ok; // yargs printed them

  const snapshot = args._[0] === 'snapshot';
  if (snapshot && !args.o) return usage('snapshot needs -o FILE (or -o - for stdout)');
  let host: Host;
  if (args.replay) {
    const read = readCapped(args.replay);
    const archive = read.ok ? parseArchive(read.value) : `cannot read ${args.replay}: ${read.error.code}`;
    if (typeof archive === 'string') return usage(`--replay ${args.replay}: ${archive}`);
    host = createReplayHost(archive, `replay:${args.replay}`);
  } else host = args.root ? createSnapshotHost(args.root) : createLiveHost();
  const recording = snapshot ? createRecordingHost(host, VERSION) : null;
  if (recording) host = recording.host;

  const started = performance.now();
  const progress = progressReporter(process.stderr, started);
  const facts = await gatherFacts(host, { syscalls: args.syscalls, helper: args.helper, timeoutMs: args.timeout * 1000, onProgress: progress.update });
  progress.done();
  if (recording) {
    const text = JSON.stringify(recording.archive, null, 1) + '\n';
    if (args.o === '-') process.stdout.write(text);
    else writeFileSync(args.o!, text, { mode: 0o600 }); // the user asked for this file
    return EXIT.ok;
  }
  const verdict = classify(facts);
  if (args.json) {
    const report = buildReport(facts, verdict, {
      version: VERSION, generatedAt: new Date().toISOString(), root: host.root, elapsedMs: Math.round(performance.now() - started),
    });
    process.stdout.write(renderJson(report));
  } else {
    const { renderTable } = await import('./render/table.js'); // `table` is only loaded for humans
    process.stdout.write(renderTable(facts, verdict, makeStyle(wantColour(process.stdout.isTTY === true, process.env)), { explain: args.explain }) + '\n');
  }
  return EXIT.ok;
}

/** Progress on stderr, only on a TTY, and only once the scan has run for half a second
 *  (under gVisor-ptrace a fork costs ~1 ms, so the scan is slow enough to notice). */
function progressReporter(stream: NodeJS.WriteStream, started: number) {
  let shown = false;
  return {
    update: (done: number, total: number) => {
      if (!stream.isTTY || performance.now() - started < 500) return;
      shown = true;
      stream.write(`\rsbx-detect: probing ${Math.min(done, total)}/${total}`);
    },
    done: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

function usage(message: string): number {
  process.stderr.write(`sbx-detect: ${message}\nTry sbx-detect --help.\n`);
  return EXIT.usage;
}

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode, not exit(): a large report written to a pipe must drain first
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`sbx-detect: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = EXIT.internal;
  },
);
