// A --via channel that lies, floods, hangs, dies mid-answer or speaks garbage: the tool ends with
// a report (unknowns with reasons) or a clear "cannot collect" (exit 5), never an internal
// error, a hang past its timeout, or unbounded memory. The channel (test/support/fake-channel.mjs)
// runs the real bootstrap and the real helper on this machine and corrupts what comes back.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE, ensureBuilt } from '../support/built.js';
import { schemaErrors } from '../support/schema.js';

const FAKE = join(__dirname, '../support/fake-channel.mjs');

function viaFake(mode: string, timeoutS = 3) {
  ensureBuilt();
  const t0 = performance.now();
  // GNU time for the peak memory of the tool itself
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, BUNDLE, '--via', `${process.execPath} ${FAKE} ${mode}`, '--json', '--timeout', String(timeoutS)], {
    encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000,
  });
  const rss = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.replace(/maxrss_kb=\d+\n?/, ''), ms: performance.now() - t0, rssMiB: rss / 1024 };
}

function sbxViaLeftovers(): string[] {
  return ['/tmp', '/dev/shm', '/run', '/var/tmp', process.env.TMPDIR].filter((d): d is string => !!d && existsSync(d))
    .flatMap((d) => readdirSync(d).filter((n) => n.startsWith('sbx-via.')).map((n) => join(d, n)));
}

/** A complete run: exit 0, a schema-valid report, no internal error. */
function reportOf(r: ReturnType<typeof viaFake>) {
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(schemaErrors(report)).toEqual([]);
  return report;
}

/** Every fact in the report, flattened to [path, fact]. */
function facts(report: Record<string, unknown>): [string, { known: boolean; reason?: string }][] {
  const out: [string, { known: boolean; reason?: string }][] = [];
  const walk = (v: unknown, p: string) => {
    if (!v || typeof v !== 'object') return;
    if ('known' in v && typeof (v as { known: unknown }).known === 'boolean') out.push([p, v as { known: boolean }]);
    else for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`);
  };
  walk(report.facts, 'facts');
  return out;
}

describe('hostile --via channels', () => {
  it('answers of the wrong types: every file fact is unknown with BAD_ANSWER, and the report still comes', () => {
    const report = reportOf(viaFake('lie-types'));
    const fileFacts = facts(report).filter(([p]) => !p.startsWith('facts.native'));
    expect(fileFacts.length).toBeGreaterThan(20);
    expect(fileFacts.filter(([, f]) => f.known)).toEqual([]);
    expect(JSON.stringify(report.facts)).toMatch(/BAD_ANSWER/);
  }, 60_000);

  it('impossible values (negative stat numbers, code points past 0xff, huge errnos): unknown with the reason, never a crash', () => {
    const report = reportOf(viaFake('lie-values'));
    expect(JSON.stringify(report.facts)).toMatch(/BAD_ANSWER/);
    expect(report.facts.process.uid.known).toBe(false);
  }, 60_000);

  it('the channel dies in the first round: what came is used, the rest is unknown naming the channel, and nothing is left behind', () => {
    const report = reportOf(viaFake('die-mid:3000'));
    const reasons = facts(report).filter(([, f]) => !f.known).map(([, f]) => f.reason ?? '');
    expect(reasons.filter((r) => /^CHANNEL: no answer for .*: the channel exited 1/.test(r)).length).toBeGreaterThan(5);
    expect(report.collection.broken).toMatch(/exited 1/);
    expect(sbxViaLeftovers()).toEqual([]);
  }, 60_000);

  it('the channel dies during the syscall scan: every file fact is there, the scan says what it lacks', () => {
    const report = reportOf(viaFake('die-after:1:4000'));
    expect(report.collection.broken).toMatch(/exited 1/);
    expect(report.facts.process.uid.known).toBe(true);
    expect(report.facts.mounts.entries.known).toBe(true);
    const scan = report.facts.native.syscalls.value;
    expect(scan.counts['not-probed']).toBeGreaterThan(0);
    expect(scan.helperProblems.join(' ')).toMatch(/exited with status 1/);
  }, 60_000);

  it('garbage after the hello: the round times out (--timeout 3), the report says why, within bounded time', () => {
    const r = viaFake('garbage', 3);
    const report = reportOf(r);
    expect(report.collection.broken).toMatch(/timed out/);
    expect(r.ms).toBeLessThan(20_000);
    expect(sbxViaLeftovers()).toEqual([]);
  }, 60_000);

  it('hangs before saying anything: exit 5 after --timeout, with the reason', () => {
    const r = viaFake('hang', 2);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/cannot collect.*timed out/);
    expect(r.ms).toBeLessThan(15_000);
  }, 60_000);

  it('hangs after the first round: the facts of the first round stay, the rest is unknown', () => {
    const report = reportOf(viaFake('hang-after-first', 2));
    expect(report.facts.process.uid.known).toBe(true); // /proc/self/status came in the first round
    expect(report.collection.broken).toMatch(/timed out/);
    const scan = report.facts.native.syscalls.value;
    expect(scan.counts['not-probed']).toBe(scan.results.length); // the scan's round never came back
  }, 60_000);

  it('an endless line: cut at the line cap, then at the total cap; memory stays bounded', () => {
    const r = viaFake('flood', 10);
    expect(r.stderr).not.toMatch(/internal error/);
    expect([0, 5]).toContain(r.code);
    expect(r.rssMiB).toBeLessThan(400);
  }, 120_000);

  it('endless well-formed lines: the total cap ends the channel; memory stays bounded', () => {
    const r = viaFake('flood-lines', 10);
    expect(r.stderr).not.toMatch(/internal error/);
    const report = reportOf(r);
    expect(report.collection.broken).toMatch(/more than \d+ bytes/);
    expect(r.rssMiB).toBeLessThan(600);
  }, 120_000);

  it('a second answer to the same question is ignored', () => {
    const report = reportOf(viaFake('duplicates'));
    expect(report.facts.process.seccomp.known).toBe(true);
    expect(report.facts.process.seccomp.value).toBe('disabled'); // not the injected "Seccomp: 2"
  }, 60_000);

  it('another protocol version: exit 5 with a clear reason', () => {
    const r = viaFake('wrong-protocol');
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/protocol 99, not 1/);
  }, 60_000);
});
