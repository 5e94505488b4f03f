// The built artifact under test: dist/ from `npm run build` (the test command builds first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PROJECT = join(__dirname, '../..');
export const BUNDLE = join(PROJECT, 'dist/sbx-detect.cjs');
export const HELPER = join(PROJECT, 'dist/sbx-helper');
export const BIN = join(PROJECT, 'bin/sbx-detect');
export const SEA = join(PROJECT, 'dist/sbx-detect');
/** build.mjs makes the single executable for linux-x64 only */
export const SEA_POSSIBLE = process.platform === 'linux' && process.arch === 'x64';

export function ensureBuilt(): void {
  if (existsSync(BUNDLE) && existsSync(HELPER)) return;
  const r = spawnSync(process.execPath, [join(PROJECT, 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

export function runBuilt(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The bundle and helper, and the single executable where it can be built. */
export function ensureSeaBuilt(): void {
  ensureBuilt();
  if (!SEA_POSSIBLE || existsSync(SEA)) return;
  const r = spawnSync(process.execPath, [join(PROJECT, 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('node build.mjs (single executable) failed');
}
