// The progress line: nothing off a TTY, nothing in the first half second, then a count that is
// erased when the run ends.
import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../src/render/progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (s: string) => writes.push(s) };
}

describe('progress on stderr', () => {
  it('stays silent off a TTY, however long the run', () => {
    const s = stream(false);
    const p = progressReporter(s, 0, () => 5000);
    p.update(10, 400);
    p.done();
    expect(s.writes).toEqual([]);
  });

  it('stays silent on a TTY for the first half second, and leaves nothing to erase', () => {
    const s = stream(true);
    const p = progressReporter(s, 1000, () => 1400);
    p.update(10, 400);
    p.done();
    expect(s.writes).toEqual([]);
  });

  it('counts on a TTY past half a second, never past the total, and erases its line at the end', () => {
    const s = stream(true);
    let t = 1000;
    const p = progressReporter(s, 1000, () => t);
    t = 1600;
    p.update(120, 400);
    p.update(450, 400);
    p.done();
    expect(s.writes).toEqual(['\rsbx-detect: probing 120/400', '\rsbx-detect: probing 400/400', '\r\x1b[K']);
  });

  it('says what it counts when told (kubectl sbx counts pods)', () => {
    const s = stream(true);
    const p = progressReporter(s, 0, () => 900, 'pods audited');
    p.update(3, 10);
    p.done();
    expect(s.writes).toEqual(['\rsbx-detect: pods audited 3/10', '\r\x1b[K']);
  });
});
