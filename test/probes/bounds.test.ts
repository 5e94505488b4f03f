// Bounded work on enormous input (issue 8, "Corrupted input"): a 1 MiB /proc/cmdline, a
// 100,000-line mountinfo, and files past MAX_READ_BYTES, which the reader cuts and reports as
// TRUNCATED. Functional bounds only — it completes, the result is sane, the cut is reported.
// Time and memory are measured by scripts/bench-parsers.mjs, not asserted here (no timed tests).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/classifier/verdict.js';
import { Invalid } from '../../src/probes/fact.js';
import { gatherFacts, gatherFileFacts } from '../../src/probes/index.js';
import { parseCmdline, probeKernel } from '../../src/probes/kernel.js';
import { parseMountinfo, probeMounts } from '../../src/probes/mounts.js';
import { probeProcess } from '../../src/probes/process.js';
import { MAX_READ_BYTES } from '../../src/readers/host.js';
import { readCapped } from '../../src/readers/live.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';
import { bigCmdline, bigMountinfo } from '../support/big-inputs.js';
import { walkFacts } from '../support/facts.js';

const MiB = 1024 * 1024;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function snapshot(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'sbx-bounds-'));
  dirs.push(root);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return root;
}

describe('1 MiB /proc/cmdline', () => {
  const { text, tokens } = bigCmdline(MiB);

  it('is parsed whole through the reader: every token, quoted values kept whole', () => {
    expect(Buffer.byteLength(text)).toBe(MiB);
    const k = probeKernel(createSnapshotHost(snapshot({ '/proc/cmdline': text })));
    expect(k.cmdline.known).toBe(true);
    if (!k.cmdline.known) return;
    expect(k.cmdline.value.tokens.length).toBe(tokens);
    expect(k.cmdline.value.tokens[0]).toBe('opt0="a quoted value 0"');
    expect(k.cmdline.value.raw.length).toBeLessThanOrEqual(MiB);
  });

  const hostile: [string, string, (r: ReturnType<typeof parseCmdline>) => void][] = [
    ['one token', 'a'.repeat(MiB), (r) => expect(r.tokens).toHaveLength(1)],
    ['only quotes', '"'.repeat(MiB), (r) => expect(r.tokens.join('')).toBe('"'.repeat(MiB))],
    ['an unterminated quote', '"' + 'a '.repeat(MiB / 2 - 1), (r) => expect(r.tokens).toHaveLength(MiB / 2 - 1)],
    ['alternating quotes and letters', 'a"'.repeat(MiB / 2), (r) => expect(r.tokens).toHaveLength(1)],
    ['NUL separators', 'x\0'.repeat(MiB / 2), (r) => expect(r.tokens).toHaveLength(MiB / 2)],
    ['binary bytes', Buffer.from(Array.from({ length: MiB }, (_, i) => (i * 131) % 256)).toString('latin1'), (r) => expect(r.tokens.length).toBeGreaterThan(0)],
  ];
  for (const [name, input, check] of hostile) {
    it(`hostile (${name}): completes, tokens are pieces of raw`, () => {
      const r = parseCmdline(input);
      expect(r.raw.length).toBeLessThanOrEqual(input.length);
      check(r);
      const sample = r.tokens.slice(0, 50);
      for (const t of sample) expect(r.raw.includes(t)).toBe(true);
    });
  }
});

describe('100,000-line mountinfo', () => {
  const text = bigMountinfo(100_000);

  it('parses every line to its fields', () => {
    const r = parseMountinfo(text);
    expect(r).not.toBeInstanceOf(Invalid);
    if (r instanceof Invalid) return;
    expect(r).toHaveLength(100_000);
    expect(r[99_999]).toMatchObject({ id: 100_099, parent: 22, mountPoint: '/mnt/vol 99999', fsType: 'tmpfs', superOptions: ['rw', 'size=99999k', 'inode64'] });
  });

  it('realistic lines are far past MAX_READ_BYTES: the reader cuts the file and says so', () => {
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_READ_BYTES);
    const m = probeMounts(createSnapshotHost(snapshot({ '/proc/self/mountinfo': text })));
    expect(m.entries).toMatchObject({ known: false, reason: 'TRUNCATED: /proc/self/mountinfo is larger than 4194304 bytes' });
  });

  it('100,000 compact lines fit under the cap: the whole report is built from them, and the classifier answers', async () => {
    const compact = bigMountinfo(100_000, 'compact');
    expect(Buffer.byteLength(compact)).toBeLessThanOrEqual(MAX_READ_BYTES);
    const root = snapshot({ '/proc/self/mountinfo': compact, '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': 'max\n', '/sys/fs/cgroup/cpu.max': '200000 100000\n' });
    const host = createSnapshotHost(root);
    const m = probeMounts(host);
    expect(m.entries.known && m.entries.value.length).toBe(100_000);
    expect(m.entries.known && m.entries.value[99_999].mountPoint).toBe(`/m ${(99_999).toString(36)}`);
    expect(m.readOnlyRoot).toMatchObject({ known: true, value: true });
    const facts = await gatherFacts(host, { syscalls: false, helper: false });
    expect(facts.cgroups.mode).toMatchObject({ known: true, value: 'v2' });
    expect(facts.cgroups.cpuLimit).toMatchObject({ known: true, value: 2 });
    expect(facts.kubernetes.podUid).toMatchObject({ known: true, value: '0b5c6e3e-6f1f-4b8e-9d3a-1c2b3d4e5f60' });
    walkFacts(facts, (_p, f) => expect(f.known || (typeof f.reason === 'string' && f.reason.length > 0)).toBe(true));
    expect(classify(facts).sandbox.faults).toEqual([]);
  });

  it('100,000 garbage lines give Invalid with a reason that counts them', () => {
    const r = parseMountinfo('garbage line without a separator\n'.repeat(100_000));
    expect(r).toBeInstanceOf(Invalid);
    expect((r as Invalid).reason).toBe('no parseable line (100000 garbage lines)');
  });
});

describe('files past MAX_READ_BYTES are cut by the reader, and the cut is reported', () => {
  const over = MAX_READ_BYTES + 1;

  it('MAX_READ_BYTES is 4 MiB', () => {
    expect(MAX_READ_BYTES).toBe(4 * MiB);
  });

  it('readCapped reads a file of exactly MAX_READ_BYTES, and reports TRUNCATED one byte past it', () => {
    const root = snapshot({ '/exact': Buffer.alloc(MAX_READ_BYTES, 0x61), '/over': Buffer.alloc(over, 0x61) });
    const exact = readCapped(join(root, 'exact'));
    expect(exact.ok && exact.value.length).toBe(MAX_READ_BYTES);
    const cut = readCapped(join(root, 'over'), 'latin1');
    expect(cut.ok).toBe(false);
    if (!cut.ok) {
      expect(cut.error.code).toBe('TRUNCATED');
      expect(cut.error.message).toMatch(/^TRUNCATED: .*over is larger than 4194304 bytes$/);
    }
  });

  it('a 4+ MiB cmdline, mountinfo and status each become unknown with the TRUNCATED reason; the rest of the report stands', async () => {
    const big = bigCmdline(over).text;
    const root = snapshot({
      '/proc/cmdline': big,
      '/proc/self/mountinfo': bigMountinfo(40_000).padEnd(over, '\n'),
      '/proc/self/status': 'Name:\tx\n' + 'Groups:\t0\n'.repeat(over / 10),
      '/proc/version': 'Linux version 6.8.0 (builder) #1 SMP\n',
      '/proc/self/cgroup': '0::/\n',
    });
    const host = createSnapshotHost(root, { uname: { release: '6.8.0', machine: 'x86_64' } });
    const k = probeKernel(host);
    expect(k.cmdline).toMatchObject({ known: false, source: '/proc/cmdline' });
    // the snapshot host names the real path, not the temp root (so the size detail is dropped)
    expect(k.cmdline.known ? '' : k.cmdline.reason).toBe('TRUNCATED: /proc/cmdline is larger than 4194304 bytes');
    expect(k.procVersion).toMatchObject({ known: true, value: 'Linux version 6.8.0 (builder) #1 SMP' });

    const m = probeMounts(host);
    for (const f of [m.entries, m.root, m.readOnlyRoot, m.procSysWritable, m.sysWritable]) {
      expect(f.known).toBe(false);
      expect(f.known ? '' : f.reason).toMatch(/^TRUNCATED: \/proc\/self\/mountinfo/);
    }
    const p = probeProcess(host);
    expect(p.uid.known ? '' : p.uid.reason).toMatch(/^TRUNCATED: \/proc\/self\/status/);

    const facts = gatherFileFacts(host);
    expect(facts.cgroups.mode.known ? '' : facts.cgroups.mode.reason).toMatch(/^TRUNCATED/);
    expect(facts.cgroups.lines).toMatchObject({ known: true, value: [{ id: '0', controllers: [], path: '/' }] });
    walkFacts(facts, (_p, f) => expect(f.known || (typeof f.reason === 'string' && f.reason.length > 0)).toBe(true));
    const full = await gatherFacts(host, { syscalls: false, helper: false });
    expect(classify(full).sandbox.faults).toEqual([]);
  });
});
