// sbx-detect: what isolates this process? The whole flow: parse arguments, pick the host
// (live or a snapshot), gather facts, classify, render. Exit codes are documented in the README.
import { writeFileSync } from 'node:fs';
import { parseCli } from './cli-args.js';
import { checkExpectations, type Expectation, type ExpectationCheck, parseExpectation } from './classifier/expectations.js';
import { checkPodSecurity, type PssLevel, type PssReport } from './classifier/pss.js';
import { classify } from './classifier/verdict.js';
import { gatherFacts, prefetchPass } from './probes/index.js';
import { createRecordingHost, createReplayHost, loadArchiveFile } from './readers/archive.js';
import type { Host } from './readers/host.js';
import { createLiveHost } from './readers/live.js';
import { openSnapshotRoot } from './readers/snapshot.js';
import { buildReport, renderJson } from './render/json.js';
import { progressReporter } from './render/progress.js';
import { makeStyle, wantColour } from './render/style.js';

declare const SBX_VERSION: string; // set by build.mjs
const VERSION = typeof SBX_VERSION === 'string' ? SBX_VERSION : '0.0.0-dev';

export const EXIT = { ok: 0, expectationFailed: 1, usage: 2, undetermined: 3, internal: 4, unreachable: 5 } as const;

export async function main(argv: string[]): Promise<number> {
  // `sbx-detect kubectl …`, which bin/kubectl-sbx runs: the kubectl plugin (src/kubectl/)
  if (argv[0] === 'kubectl') return (await import('./kubectl/main.js')).kubectlMain(argv.slice(1), VERSION);
  // `sbx-detect node`: can this host run gVisor, Kata and Sysbox pods (src/node/)
  if (argv[0] === 'node') return (await import('./node/main.js')).nodeMain(argv.slice(1), VERSION);
  const cli = await parseCli(argv, VERSION);
  if (cli.kind === 'usage') return usage(cli.message);
  if (cli.kind === 'done') return EXIT.ok; // help or version, printed
  const args = cli.args;
  if (!(args.timeout > 0)) return usage(`--timeout needs a positive number of seconds, not "${argv[argv.indexOf('--timeout') + 1] ?? ''}"`);

  const snapshot = args.command === 'snapshot';
  if (snapshot && !args.o) return usage('snapshot needs -o FILE (or -o - for stdout)');
  const expectations: Expectation[] = [];
  for (const text of args.expect) {
    const p = parseExpectation(text);
    if (!p.ok) return usage(`--expect ${text}: ${p.error}`);
    expectations.push(p.expectation);
  }
  const pssLevel = args.pss as PssLevel | undefined;
  if (snapshot && (expectations.length || pssLevel)) return usage('snapshot records inputs only: --expect and --pss apply to a report');
  if (args.helperPath && !args.via) return usage('--helper-path applies to --via only');
  if (snapshot && args.declared) return usage('snapshot records inputs only: --declared applies to a report');
  const nativeOptions = { syscalls: args.syscalls, helper: args.helper, timeoutMs: args.timeout * 1000 };
  const started = performance.now();
  let host: Host;
  if (args.via) {
    const { collectVia } = await import('./readers/remote/remote-host.js'); // only --via pays for it
    const r = await collectVia(args.via, { helperPath: args.helperPath, timeoutMs: nativeOptions.timeoutMs }, prefetchPass(nativeOptions));
    if ('usage' in r) return usage(r.usage);
    if ('unreachable' in r) {
      process.stderr.write(`sbx-detect: ${r.unreachable}\n`);
      return EXIT.unreachable;
    }
    host = r.host;
  } else if (args.replay) {
    // untrusted input: read capped and checked against schema/snapshot.schema.json, or refused
    const archive = loadArchiveFile(args.replay);
    if (typeof archive === 'string') return usage(`--replay ${args.replay}: ${archive}`);
    host = createReplayHost(archive, `replay:${args.replay}`);
  } else if (args.root) {
    const opened = openSnapshotRoot(args.root); // a directory, its .sbx/host.json well formed
    if (typeof opened === 'string') return usage(`--root ${args.root}: ${opened}`);
    host = opened;
  } else host = createLiveHost();
  const recording = snapshot ? createRecordingHost(host, VERSION) : null;
  if (recording) host = recording.host;

  const progress = progressReporter(process.stderr, started);
  const facts = await gatherFacts(host, { ...nativeOptions, onProgress: progress.update });
  progress.done();
  if (recording) {
    const text = JSON.stringify(recording.archive, null, 1) + '\n';
    if (args.o === '-') {
      process.stdout.write(text);
      return EXIT.ok;
    }
    writeFileSync(args.o!, text, { mode: 0o600 }); // the user asked for this file
    // and the report of this very run on stdout: --replay of the file must give the same one
  }
  const verdict = classify(facts);
  const expected: ExpectationCheck | null = expectations.length ? checkExpectations(expectations, facts, verdict) : null;
  const podSecurity: PssReport | null = pssLevel ? checkPodSecurity(pssLevel, facts, verdict) : null;
  // --declared pod.json: what the pod's spec declares, held against this report (kubectl/declared.ts)
  const declared = args.declared ? (await import('./kubectl/declared.js')).compareDeclaredFile(args.declared, facts, verdict) : null;
  if (declared && 'error' in declared) return usage(`--declared ${args.declared}: ${declared.error}`);
  if (args.json) {
    const { expectationsJson, pssJson, checkFailureLines } = await import('./render/checks-json.js'); // not checks.js: no `table` for --json
    const report = buildReport(facts, verdict, {
      version: VERSION, generatedAt: new Date().toISOString(), root: host.root, elapsedMs: Math.round(performance.now() - started),
      collection: host.collection?.(),
    });
    const checks = { ...(expected && { expectations: expectationsJson(expected) }), ...(podSecurity && { podSecurity: pssJson(podSecurity) }) };
    process.stdout.write(renderJson({ ...report, ...(expected || podSecurity ? { checks } : {}), ...(declared && { declared }) }));
    // stdout is the document; CI logs still get one line per check that did not hold
    process.stderr.write(checkFailureLines(expected, podSecurity));
    if (declared) process.stderr.write((await import('./render/declared.js')).declaredLines(declared).map((l) => `sbx-detect: --declared ${l}\n`).join(''));
  } else {
    const { renderTable } = await import('./render/table.js'); // `table` is only loaded for humans
    const style = makeStyle(wantColour(process.stdout.isTTY === true, process.env));
    const parts = [renderTable(facts, verdict, style, { explain: args.explain })];
    if (expected || podSecurity) {
      const { renderExpectationsTable, renderPssTable } = await import('./render/checks.js');
      if (expected) parts.push(renderExpectationsTable(expected, style));
      if (podSecurity) parts.push(renderPssTable(podSecurity, style));
    }
    if (declared) parts.push((await import('./render/declared.js')).renderDeclaredTable(declared, style));
    process.stdout.write(parts.join('\n') + '\n');
  }
  return worstExit([expected?.exitCode ?? EXIT.ok, podSecurity?.exitCode ?? EXIT.ok, declared?.exitCode ?? EXIT.ok]);
}

/** A definite failure (1) wins over an undetermined check (3), which wins over success (0). */
function worstExit(codes: number[]): number {
  return codes.includes(EXIT.expectationFailed) ? EXIT.expectationFailed : codes.includes(EXIT.undetermined) ? EXIT.undetermined : EXIT.ok;
}

function usage(message: string): number {
  process.stderr.write(`sbx-detect: ${message}\nTry sbx-detect --help.\n`);
  return EXIT.usage;
}

let settled = false;
// a promise that can never settle (a wait nobody will end) would let Node exit 0 with no
// report: that is an internal error, said as one
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write('sbx-detect: internal error: the run ended before its report (a wait that nothing ends)\n');
  process.exitCode = EXIT.internal;
});
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    // exitCode, not exit(): a large report written to a pipe must drain first
    process.exitCode = code;
  },
  (err) => {
    settled = true;
    process.stderr.write(`sbx-detect: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = EXIT.internal;
  },
);
