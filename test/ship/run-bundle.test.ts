// bin/run-bundle.cjs compiles the bundle with the V8 code cache only when the cache was made from
// this very bundle: build.mjs writes the bundle's SHA-1 as its last line, the cache starts with
// the same 20 bytes, and run-bundle compares the two without hashing the bundle at every start.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE, PROJECT } from '../support/built.js';

const dir = mkdtempSync(join(tmpdir(), 'sbx-run-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bundle at `bundle` through run-bundle (--version) and says whether the cache was used. */
function cacheUse(bundle: string): string {
  const r = spawnSync(process.execPath, ['-e', `
    process.argv = [process.argv[0], ${JSON.stringify(bundle)}, '--version'];
    const { script } = require(${JSON.stringify(join(PROJECT, 'bin/run-bundle.cjs'))}).runBundle(${JSON.stringify(bundle)});
    process.stderr.write('CACHE ' + (script === null ? 'none' : script.cachedDataRejected === false ? 'used' : script.cachedDataRejected === true ? 'rejected' : 'not given') + '\\n');
  `], { encoding: 'utf8' });
  return /CACHE ([^\n]+)/.exec(r.stderr)?.[1] ?? `? ${r.stderr}`;
}

describe('the bundle and its code cache', () => {
  it('the bundle ends with its id, the SHA-1 of what comes before; the cache starts with it', () => {
    const text = readFileSync(BUNDLE);
    const m = /\n\/\/# sbx-bundle-id=([0-9a-f]{40})\n$/.exec(text.subarray(text.length - 80).toString('latin1'));
    expect(m, 'the id line').not.toBeNull();
    const body = text.subarray(0, text.length - m![0].length);
    expect(createHash('sha1').update(body).digest('hex')).toBe(m![1]);
    expect(readFileSync(`${BUNDLE}.cache`).subarray(0, 20).toString('hex')).toBe(m![1]);
  });

  it('uses the cache made from this bundle, and not one made from another (same length)', () => {
    const bundle = join(dir, 'sbx-detect.cjs');
    copyFileSync(BUNDLE, bundle);
    copyFileSync(`${BUNDLE}.cache`, `${bundle}.cache`);
    expect(cacheUse(bundle)).toBe('used');
    // another build: one character of the code changed, the length and the id line kept
    const text = readFileSync(BUNDLE, 'latin1');
    const at = text.indexOf('sbx-detect');
    writeFileSync(bundle, `${text.slice(0, at)}Sbx-detect${text.slice(at + 10)}`, 'latin1');
    // its own id line would differ; a stale cache beside a rebuilt bundle is the case to refuse
    const other = readFileSync(bundle, 'latin1').replace(/sbx-bundle-id=[0-9a-f]{40}/, `sbx-bundle-id=${'0'.repeat(40)}`);
    writeFileSync(bundle, other, 'latin1');
    expect(cacheUse(bundle)).toBe('not given');
    // a bundle without its id line (built otherwise) is hashed here instead: the same code
    // matches, so the cache is offered, and V8 refuses it on its own check (the length differs)
    writeFileSync(bundle, readFileSync(BUNDLE, 'latin1').replace(/\n\/\/# sbx-bundle-id=[0-9a-f]{40}\n$/, ''), 'latin1');
    expect(cacheUse(bundle)).toBe('rejected');
  });
});
