// `sbx-detect node`: can this host run gVisor, Kata and Sysbox pods, and is it set up for them?
// Read-only: files through the Host (so --root reads another node's tree), and one helper child
// that asks /dev/kvm two ioctls. No modprobe, no sandbox started, nothing written. Its options
// are read with the pod command's machinery (cli-args.ts NODE_COMMAND); exit codes: exit-codes.ts.
import { parseCli, NODE_COMMAND } from '../cli-args.js';
import { checkNodeExpectations, judgeNode, type NodeExpectation, parseNodeExpectation } from '../classifier/node-readiness.js';
import { EXIT } from '../exit-codes.js';
import { gatherNodeFacts, nodePrefetchPass } from '../probes/node/index.js';
import { chooseHost } from '../readers/choose-host.js';
import { buildNodeReport, renderNodeJson } from '../render/node-json.js';
import { makeStyle, wantColour } from '../render/style.js';

export async function nodeMain(argv: string[], version: string): Promise<number> {
  const usage = (m: string) => {
    process.stderr.write(`sbx-detect node: ${m}\nTry sbx-detect node --help.\n`);
    return EXIT.usage;
  };
  const cli = await parseCli(argv, version, NODE_COMMAND);
  if (cli.kind === 'usage') return usage(cli.message);
  if (cli.kind === 'done') return EXIT.ok; // help or version, printed
  const a = cli.args;
  const expectations: NodeExpectation[] = [];
  for (const text of a.expect) {
    const p = parseNodeExpectation(text);
    if (typeof p === 'string') return usage(`--expect ${text}: ${p}`);
    expectations.push(p);
  }
  const started = performance.now();
  const nodeOptions = { helper: a.helper, timeoutMs: a.timeout * 1000 };
  const chosen = await chooseHost({ via: a.via, helperPath: a.helperPath, root: a.root, timeoutMs: nodeOptions.timeoutMs }, nodePrefetchPass(nodeOptions));
  if ('usage' in chosen) return usage(chosen.usage);
  if ('unreachable' in chosen) {
    process.stderr.write(`sbx-detect node: ${chosen.unreachable}\n`);
    return EXIT.unreachable;
  }
  const host = chosen.host;

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
  if (a.junit) {
    const { nodeCases, writeJunit } = await import('../render/junit.js'); // the JUnit library only for --junit
    if (!checks) process.stderr.write('sbx-detect node: --junit: no --expect was given: the test suite is empty\n');
    const failed = await writeJunit(a.junit, [{ name: `sbx-detect node (${a.via ? `--via ${a.via}` : a.root ? `--root ${a.root}` : 'this host'})`, cases: nodeCases(checks?.results ?? []) }]);
    if (failed) return usage(`--junit ${a.junit}: ${failed}`);
  }
  return checks?.exitCode ?? EXIT.ok;
}
