// --junit FILE (issue #26): every --expect, --pss rule and --declared field of a run as a JUnit
// test case, for the pod check, `sbx-detect node` and `kubectl sbx` (one suite per pod), each
// written by the built tool for real and read back by an independent reader, junit-to-ctrf
// (CTRF: a <failure> and an <error> both read as "failed", <skipped> as "skipped").
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertJUnitToCTRFReport } from 'junit-to-ctrf';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, ensureBuilt, PROJECT, runBuilt } from '../support/built.js';

beforeAll(() => ensureBuilt(), 120_000);

const FIXTURES = join(PROJECT, 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'sbx-junit-'));
let n = 0;
const file = () => join(dir, `report-${++n}.xml`);

async function readBack(path: string) {
  const report = await convertJUnitToCTRFReport(path);
  expect(report, `${path} could not be read`).not.toBeNull();
  const tests = report!.results.tests;
  return { summary: report!.results.summary, tests, byName: Object.fromEntries(tests.map((t) => [t.name, t])) };
}

describe('--junit', () => {
  it('the pod check: each --expect, --pss rule and --declared field is a case, with what was observed', async () => {
    const out = file();
    const pod = join(dir, 'pod.json');
    writeFileSync(pod, JSON.stringify({ kind: 'Pod', metadata: { name: 'p' }, spec: { runtimeClassName: 'gvisor', containers: [{ name: 'a', securityContext: { runAsNonRoot: true } }] } }));
    const replay = join(FIXTURES, 'captures/runsc-2024.json');
    const r = runBuilt(['--replay', replay, '--json', '--expect', 'sandbox=gvisor', '--expect', 'max-severity=low', '--expect', 'sandbox=kata', '--expect', 'blocked=mount', '--pss', 'restricted', '--declared', pod, '--junit', out]);
    expect(r.code).toBe(1); // sandbox=kata fails
    const report = JSON.parse(r.stdout);
    const { summary, byName, tests } = await readBack(out);
    const rules = report.checks.podSecurity.rules as { id: string; title: string; status: string }[];
    const rows = report.declared.rows as { field: string; status: string }[];
    expect(summary.tests).toBe(4 + rules.length + rows.length);
    for (const t of tests) expect(t.suite).toEqual([`sbx-detect (--replay ${replay})`]);
    expect(byName['sandbox=gvisor'].status).toBe('passed');
    expect(byName['max-severity=low'].status).toBe('passed');
    expect(byName['sandbox=kata']).toMatchObject({ status: 'failed', message: expect.stringMatching(/^observed gvisor: expected kata, the classifier says gVisor sandbox/) });
    // each as the JSON judged it: a rule that does not apply is skipped, undetermined is an error
    for (const rule of rules) expect(byName[`${rule.id}: ${rule.title}`].status, rule.id).toBe({ pass: 'passed', fail: 'failed', undetermined: 'failed', 'not-applicable': 'skipped' }[rule.status]);
    for (const row of rows) expect(byName[row.field].status, row.field).toBe(row.status === 'match' ? 'passed' : 'failed');
    // how many failed, counted from the run's own JSON report, not from the reader's test list
    const expectations = report.checks.expectations.results as { status: string }[];
    const notPassed = expectations.filter((x) => x.status !== 'pass').length
      + rules.filter((x) => x.status === 'fail' || x.status === 'undetermined').length
      + rows.filter((x) => x.status !== 'match').length;
    expect(expectations).toHaveLength(4);
    expect(notPassed).toBeGreaterThan(0); // sandbox=kata at least
    expect(summary.failed).toBe(notPassed);
    const counts = /<testsuites name="sbx-detect" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)">/.exec(readFileSync(out, 'utf8'));
    expect(counts, 'the <testsuites> element and its counts').not.toBeNull();
    expect(Number(counts![2]) + Number(counts![3])).toBe(notPassed);
    expect(Number(counts![1])).toBe(4 + rules.length + rows.length);
  });

  it('undetermined is a JUnit <error> of type "undetermined", a failure a <failure>', async () => {
    const out = file();
    expect(runBuilt(['--no-syscalls', '--expect', 'blocked=mount', '--expect', 'sandbox=unknown', '--junit', out]).code).toBe(1);
    const xml = readFileSync(out, 'utf8');
    expect(xml).toMatch(/<testcase classname="sbx-detect\.expect" name="blocked=mount">\s*<error message="observed unknown: the syscall scan[^"]*" type="undetermined"\/>/);
    expect(xml).toMatch(/<testcase classname="sbx-detect\.expect" name="sandbox=unknown">\s*<failure message="[^"]+" type="fail"\/>/);
    expect(xml).toMatch(/<testsuites name="sbx-detect" tests="2" failures="1" errors="1" skipped="0">/);
  });

  it('no check asked: an empty suite, and stderr says so; a file that cannot be written is a usage error', async () => {
    const out = file();
    const r = runBuilt(['--no-syscalls', '--json', '--junit', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('--junit: no check was asked');
    // junit-to-ctrf reads no test from an empty suite (it answers null): the XML says so itself
    expect(readFileSync(out, 'utf8')).toMatch(/<testsuite name="sbx-detect \(this place\)" timestamp="[^"]+" tests="0" failures="0" errors="0" skipped="0"\/>/);
    const bad = runBuilt(['--no-syscalls', '--json', '--expect', 'sandbox=none', '--junit', join(dir, 'no/such/dir/x.xml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--junit .*no\/such\/dir\/x\.xml: ENOENT/);
    expect(existsSync(join(dir, 'no'))).toBe(false); // nothing made on the way
  });

  it('sbx-detect node: each --expect is a case', async () => {
    const out = file();
    const r = runBuilt(['node', '--root', join(FIXTURES, 'nodes/k3s-guide'), '--json', '--expect', 'ready=gvisor-systrap', '--expect', 'handler=no-such-handler', '--junit', out]);
    const report = JSON.parse(r.stdout);
    const { summary, byName } = await readBack(out);
    expect(summary.tests).toBe(2);
    const want = (s: string) => (s === 'pass' ? 'passed' : 'failed');
    expect(report.checks.expectations).toHaveLength(2);
    for (const c of report.checks.expectations) expect(byName[c.expectation].status, c.expectation).toBe(want(c.status));
    expect(byName['handler=no-such-handler']).toMatchObject({ status: 'failed', message: 'no runtime registered as no-such-handler' });
    expect(r.code).toBe(1);
  });

  it('kubectl sbx: one suite per pod; a pod not reached is an error case saying why', async () => {
    const out = file();
    const kubectl = join(dir, 'kubectl');
    writeFileSync(kubectl, '#!/bin/sh\ncase "$*" in *"get pod "*) echo "pods \\"web-0\\" not found" >&2; exit 1;; *) echo \'{"items":[]}\';; esac\n');
    chmodSync(kubectl, 0o755);
    const r = spawnSync(process.execPath, [BUNDLE, 'kubectl', 'web-0', '-n', 'shop', '--expect', 'sandbox=gvisor', '--junit', out], { encoding: 'utf8', env: { ...process.env, KUBECTL_SBX_KUBECTL: kubectl } });
    expect(r.status).toBe(5);
    const { summary, tests } = await readBack(out);
    expect(summary.tests).toBe(1);
    expect(tests[0]).toMatchObject({ name: 'collect the report', status: 'failed', suite: ['shop/web-0'], message: expect.stringContaining('not found') });
  });
});
