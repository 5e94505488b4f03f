// Shared by the test/ship tests: private temp dirs, a static helper, a single executable.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain ESM build script without type declarations
import { HELPER_SOURCES } from '../../src/helper/build.mjs';

export const PROJECT = join(__dirname, '../..');
export const DIST = join(PROJECT, 'dist');

export function makeTemp(tag: string, mode = 0o700): string {
  const d = mkdtempSync(join(tmpdir(), `sbx-ship-${tag}-`));
  chmodSync(d, mode);
  return d;
}

export function removeTemp(d: string | undefined): void {
  if (d) rmSync(d, { recursive: true, force: true });
}

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
export const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

/**
 * A static helper: dist/sbx-helper when `npm run build` made one, else the C files of src/helper/
 * (HELPER_SOURCES) compiled with musl-gcc -static into `dir`. Null when neither is possible.
 */
export function staticHelper(dir: string): string | null {
  const built = join(DIST, 'sbx-helper');
  if (existsSync(built)) return built;
  const sources: string[] = HELPER_SOURCES;
  if (!sources.every((s) => existsSync(s)) || !have('musl-gcc')) return null;
  const out = join(dir, 'sbx-helper');
  const r = spawnSync('musl-gcc', ['-static', '-O2', '-o', out, ...sources], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`musl-gcc failed: ${r.stderr}`);
  return out;
}
