// The two readings of the command line must agree: the fast one (yargs-parser) either gives
// exactly what yargs gives, or steps aside (null) and lets yargs answer.
import { describe, expect, it } from 'vitest';
import { parseFast, parseWithYargs } from '../../src/cli-args.js';

const VALID: string[][] = [
  [],
  ['--json'],
  ['--json', '--no-syscalls'],
  ['--no-helper', '--explain'],
  ['--timeout', '5'],
  ['--timeout=2.5', '--json'],
  ['--expect', 'sandbox=gvisor'],
  ['--expect', 'sandbox=gvisor', '--expect', 'caps=none', '--json'],
  ['--expect=non-root=true'],
  ['--pss', 'restricted'],
  ['--root', '/tmp/x'],
  ['--replay', 'a.json', '--json'],
  ['snapshot', '-o', '-'],
  ['snapshot', '--output', 'f.json', '--no-syscalls'],
  ['--syscalls=false'],
  ['--replay', 'a.json', '--declared', 'pod.json', '--json'],
];

const TO_YARGS: string[][] = [
  ['--help'],
  ['--version'],
  ['--bogus'],
  ['--no-such-flag'],
  ['--pss', 'strict'],
  ['--root', 'a', '--replay', 'b'],
  ['--expect'],
  ['--declared'],
  ['--timeout', 'soon'],
  ['frobnicate'],
  ['snapshot', 'extra'],
  ['--json', '--json=maybe', 'x'],
];

describe('command line', () => {
  for (const argv of VALID) {
    it(`reads ${JSON.stringify(argv)} the way yargs does`, async () => {
      const fast = parseFast(argv);
      expect(fast).not.toBeNull();
      const full = await parseWithYargs(argv, 'test');
      expect(full).toEqual({ kind: 'args', args: fast });
    });
  }
  for (const argv of TO_YARGS) {
    it(`leaves ${JSON.stringify(argv)} to yargs`, () => {
      expect(parseFast(argv)).toBeNull();
    });
  }
  it('yargs answers the bad ones with a usage error', async () => {
    for (const argv of [['--bogus'], ['--pss', 'strict'], ['--root', 'a', '--replay', 'b'], ['--expect']]) {
      expect((await parseWithYargs(argv, 'test')).kind, JSON.stringify(argv)).toBe('usage');
    }
  });
});
