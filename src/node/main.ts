// `sbx-detect node`: can this host run gVisor, Kata and Sysbox pods, and is it set up for them?
// Read-only: files through the Host (so --root reads another node's tree), and one helper child
// that asks /dev/kvm two ioctls. No modprobe, no sandbox started, nothing written.
// Exit codes as the pod check: 0 report (and every --expect holds), 1 an --expect fails,
// 2 usage, 3 an --expect cannot be decided, 4 internal error (src/cli.ts).
import yargsParser from 'yargs-parser';
import { checkNodeExpectations, judgeNode, type NodeExpectation, parseNodeExpectation } from '../classifier/node-readiness.js';
import { SANDBOX_IDS } from '../classifier/node-requirements.js';
import { gatherNodeFacts, nodePrefetchPass } from '../probes/node/index.js';
import type { Host } from '../readers/host.js';
import { createLiveHost } from '../readers/live.js';
import { openSnapshotRoot } from '../readers/snapshot.js';
import { buildNodeReport, renderNodeJson } from '../render/node-json.js';
import { makeStyle, wantColour } from '../render/style.js';

export const NODE_HELP = `sbx-detect node: can this host run gVisor, Kata and Sysbox pods, and is it set up for them?

  sbx-detect node [--json] [--explain] [--expect KEY=VALUE]… [--root DIR] [--no-helper]

Checks, read-only, for gvisor-ptrace, gvisor-systrap, gvisor-kvm, kata-qemu, kata-clh, kata-fc
and sysbox: the binaries, runsc's version against the cgroup mode, CPU flags, kernel modules
(loaded and persisted), /dev/kvm (KVM_GET_API_VERSION, KVM_CHECK_EXTENSION only), /dev/vhost-vsock,
the runsc and Kata configurations, and the handlers registered in containerd, K3s, Docker and
CRI-O. Prints what is missing and the command that fixes it.

Options
  --json                one JSON document (schema/node-report.schema.json)
  --explain             every item, with its upstream reference
  --expect ready=ID     ID: ${SANDBOX_IDS.join(', ')}
  --expect handler=NAME a runtime registered under NAME whose program exists
  --root DIR            read a node mounted elsewhere (a snapshot directory, or /host inside
                        kubectl debug node/NAME); /dev/kvm is then not asked
  --no-helper           do not ask /dev/kvm (files only)
  --via "CMD ARGS…"     check another node through a command that runs a program there with stdin
                        and stdout attached (e.g. "ssh node1", "nsenter -t 1 -a"); only the static
                        helper enters it, as for the pod check
  --helper-path PATH    with --via: a helper already on that node
  --timeout SECONDS     for the /dev/kvm child (default 30)

Exit: 0 report (every --expect holds), 1 an --expect fails, 2 usage, 3 an --expect undetermined, 4 internal error,
5 --via could not reach the node.
`;

export async function nodeMain(argv: string[], version: string): Promise<number> {
  const r = yargsParser.detailed(argv, {
    boolean: ['json', 'explain', 'helper', 'help'],
    string: ['root', 'expect', 'via', 'helper-path'],
    number: ['timeout'],
    default: { json: false, explain: false, helper: true, timeout: 30 },
    alias: { help: ['h'] },
  });
  const usage = (m: string) => {
    process.stderr.write(`sbx-detect node: ${m}\nTry sbx-detect node --help.\n`);
    return 2;
  };
  if (r.error) return usage(r.error.message);
  const a = r.argv as Record<string, unknown>;
  if (a.help) {
    process.stdout.write(NODE_HELP);
    return 0;
  }
  const known = new Set(['_', '$0', 'json', 'explain', 'helper', 'help', 'h', 'root', 'expect', 'timeout', 'via', 'helper-path', 'helperPath']);
  const extra = Object.keys(a).filter((k) => !known.has(k));
  if (extra.length) return usage(`unknown option --${extra[0]}`);
  if ((a._ as unknown[]).length) return usage(`unexpected argument "${String((a._ as unknown[])[0])}"`);
  if (Array.isArray(a.root)) return usage('--root is given once');
  if (Array.isArray(a.via) || Array.isArray(a['helper-path'])) return usage('--via and --helper-path are given once');
  if (typeof a.via === 'string' && typeof a.root === 'string') return usage('--via and --root exclude each other');
  if (typeof a['helper-path'] === 'string' && typeof a.via !== 'string') return usage('--helper-path applies to --via only');
  const timeout = a.timeout as number;
  if (!(timeout > 0)) return usage('--timeout needs a positive number of seconds');
  const expectations: NodeExpectation[] = [];
  for (const text of ([] as unknown[]).concat(a.expect ?? []).map(String)) {
    const p = parseNodeExpectation(text);
    if (typeof p === 'string') return usage(`--expect ${text}: ${p}`);
    expectations.push(p);
  }
  const started = performance.now();
  let host: Host;
  const nodeOptions = { helper: a.helper !== false, timeoutMs: timeout * 1000 };
  if (typeof a.via === 'string') {
    const { collectVia } = await import('../readers/remote/remote-host.js'); // only --via pays for it
    const r = await collectVia(a.via, { helperPath: a['helper-path'] as string | undefined, timeoutMs: nodeOptions.timeoutMs }, nodePrefetchPass(nodeOptions));
    if ('usage' in r) return usage(r.usage);
    if ('unreachable' in r) {
      process.stderr.write(`sbx-detect node: ${r.unreachable}\n`);
      return 5;
    }
    host = r.host;
  } else if (typeof a.root === 'string') {
    const opened = openSnapshotRoot(a.root);
    if (typeof opened === 'string') return usage(`--root ${a.root}: ${opened}`);
    host = opened;
  } else host = createLiveHost();

  const facts = await gatherNodeFacts(host, nodeOptions);
  const verdict = judgeNode(facts);
  const checks = expectations.length ? checkNodeExpectations(expectations, facts, verdict) : null;
  if (a.json) {
    const report = buildNodeReport(facts, verdict, { version, generatedAt: new Date().toISOString(), root: host.root, elapsedMs: Math.round(performance.now() - started), collection: host.collection?.() }, checks?.results);
    process.stdout.write(renderNodeJson(report));
    for (const c of checks?.results ?? []) if (c.status !== 'pass') process.stderr.write(`sbx-detect node: ${c.status === 'fail' ? 'FAIL' : 'undetermined'} ${c.expectation}: ${c.observed}\n`);
  } else {
    const { renderNodeTable } = await import('../render/node-table.js');
    const style = makeStyle(wantColour(process.stdout.isTTY === true, process.env));
    process.stdout.write(renderNodeTable(facts, verdict, style, { explain: a.explain === true, checks: checks?.results }) + '\n');
  }
  return checks?.exitCode ?? 0;
}
