// `sbx-detect [options]`: what isolates this process, or the place --via reaches? The whole
// flow: read the command line, choose the host (live, a snapshot, --via), run the pod pipeline
// (pod-pipeline.ts: facts, verdict, checks, report, exit code), render it. Exit codes:
// exit-codes.ts.
import { writeFileSync } from 'node:fs';
import { parseCli } from './cli-args.js';
import { compareDeclared, declarationFromDocument, type DeclaredSpec } from './classifier/declared-enforced.js';
import { parseExpectations } from './classifier/expectations.js';
import type { PssLevel } from './classifier/pss.js';
import { EXIT } from './exit-codes.js';
import { gatherPod, judgePod } from './pod-pipeline.js';
import { prefetchPass } from './probes/index.js';
import { createRecordingHost } from './readers/archive.js';
import { chooseHost } from './readers/choose-host.js';
import { readPodFile } from './readers/pod-file.js';
import { progressReporter } from './render/progress.js';

export async function podMain(argv: string[], version: string): Promise<number> {
  const cli = await parseCli(argv, version);
  if (cli.kind === 'usage') return usage(cli.message);
  if (cli.kind === 'done') return EXIT.ok; // help or version, printed
  const args = cli.args;
  if (!(Number.isSafeInteger(args.workloadPid) && args.workloadPid > 0)) return usage('--workload-pid needs a process id (a positive whole number)');

  const snapshot = args.command === 'snapshot';
  if (snapshot && !args.o) return usage('snapshot needs -o FILE (or -o - for stdout)');
  const expectations = parseExpectations(args.expect);
  if (!expectations.ok) return usage(expectations.error);
  const pss = args.pss as PssLevel | undefined;
  if (snapshot && (expectations.list.length || pss)) return usage('snapshot records inputs only: --expect and --pss apply to a report');
  if (snapshot && args.declared) return usage('snapshot records inputs only: --declared applies to a report');
  if (snapshot && args.junit) return usage('snapshot records inputs only: --junit applies to a report\'s checks');
  const gather = {
    syscalls: args.syscalls, helper: args.helper, timeoutMs: args.timeout * 1000,
    workload: { pid: args.workloadPid, given: args.workloadGiven },
  };
  const started = performance.now();
  const chosen = await chooseHost({ ...args, timeoutMs: gather.timeoutMs }, prefetchPass(gather));
  if ('usage' in chosen) return usage(chosen.usage);
  if ('unreachable' in chosen) {
    process.stderr.write(`sbx-detect: ${chosen.unreachable}\n`);
    return EXIT.unreachable;
  }
  const recording = snapshot ? createRecordingHost(chosen.host, version) : null;
  const host = recording ? recording.host : chosen.host;

  const progress = progressReporter(process.stderr, started);
  const facts = await gatherPod(host, { gather: { ...gather, onProgress: progress.update } });
  progress.done();
  if (recording) {
    const text = JSON.stringify(recording.finish(), null, 1) + '\n';
    if (args.o === '-') {
      process.stdout.write(text);
      return EXIT.ok;
    }
    writeFileSync(args.o!, text, { mode: 0o600 }); // the user asked for this file
    // and the report of this very run on stdout: --replay of the file must give the same one
  }
  // --declared pod.json: what the pod's spec declares, held against this report
  let spec: DeclaredSpec | null = null;
  if (args.declared) {
    const read = readPodFile(args.declared);
    const d = 'error' in read ? read : declarationFromDocument(read.doc);
    if ('error' in d) return usage(`--declared ${args.declared}: ${d.error}`);
    spec = d;
  }
  const out = judgePod(host, facts, {
    expectations: expectations.list, pss, version, started, declaredDecides: true,
    declared: spec ? (f, v) => compareDeclared(spec, f, v) : undefined,
  });
  if (args.json) {
    const { renderJson } = await import('./render/json.js');
    const { checkFailureLines } = await import('./render/checks-json.js'); // not checks.js: no `table` for --json
    process.stdout.write(renderJson(out.report));
    // stdout is the document; CI logs still get one line per check that did not hold
    process.stderr.write(checkFailureLines(out.expected, out.podSecurity));
    if (out.declared) process.stderr.write((await import('./render/declared-lines.js')).declaredLines(out.declared).map((l) => `sbx-detect: --declared ${l}\n`).join(''));
  } else {
    const { renderPodTables } = await import('./render/pod-tables.js'); // `table` is only loaded for humans
    process.stdout.write(await renderPodTables(out, { explain: args.explain, full: args.full, tty: process.stdout.isTTY === true, env: process.env }));
  }
  if (args.junit) {
    const { podCases, writeJunit } = await import('./render/junit.js'); // the JUnit library only for --junit
    const cases = podCases(out);
    if (!cases.length) process.stderr.write('sbx-detect: --junit: no check was asked (--expect, --pss, --declared): the test suite is empty\n');
    const where = args.via ? `--via ${args.via}` : args.replay ? `--replay ${args.replay}` : host.root === '/' ? 'this place' : `--root ${host.root}`;
    const failed = await writeJunit(args.junit, [{ name: `sbx-detect (${where})`, cases }]);
    if (failed) return usage(`--junit ${args.junit}: ${failed}`);
  }
  return out.exitCode;
}

function usage(message: string): number {
  process.stderr.write(`sbx-detect: ${message}\nTry sbx-detect --help.\n`);
  return EXIT.usage;
}
