// sbx-detect: what isolates this process? The whole flow: parse arguments, pick the host
// (live or a snapshot), gather facts, classify, render. Exit codes are documented in the README.
import yargs from 'yargs';
import { classify } from './classifier/verdict.js';
import { gatherFacts } from './probes/index.js';
import { createLiveHost } from './readers/live.js';
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
    .option('root', { type: 'string', describe: 'read a snapshot directory laid out like / instead of the live system' })
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
  if (usageError) {
    process.stderr.write(`sbx-detect: ${usageError}\nTry sbx-detect --help.\n`);
    return EXIT.usage;
  }
  if (args.help || args.version) return EXIT.ok; // yargs printed them

  const host = args.root ? createSnapshotHost(args.root) : createLiveHost();
  const started = performance.now();
  const facts = await gatherFacts(host, { syscalls: args.syscalls, helper: args.helper, timeoutMs: args.timeout * 1000 });
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
