// Builds the static helper from its C files (HELPER_SOURCES, one per role, compiled together into
// one binary; common.h between them). Called by the top-level build.mjs:
//   const r = await buildHelper({ outDir: 'dist', arch: 'x86_64' });
//   if (!r.ok) console.error(r.error);
// x86_64: musl-gcc -static -Os (Debian's musl-tools), falling back to gcc -static.
// aarch64: aarch64-linux-gnu-gcc (Debian's gcc-aarch64-linux-gnu) with musl's specs when
// musl-dev:arm64 is installed (130 KiB: what --via sends into an arm64 target), else with static
// glibc (590 KiB).
// Never throws: a missing compiler or a failed build comes back as { ok: false, error }.
import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The helper's C files: main and the wire (common.c), the probes run in children (probe-pool.c),
 *  the --remote file server (file-server.c), the launcher of the Node tool (launcher.c). Each
 *  includes common.h from this directory. */
export const HELPER_SOURCES = ['common.c', 'probe-pool.c', 'file-server.c', 'launcher.c'].map((f) => path.join(HERE, f));

const COMMON_FLAGS = ['-static', '-Os', '-s', '-Wall', '-Wextra', '-fno-strict-aliasing'];
/** musl for aarch64 (Debian's musl-dev:arm64, multiarch), driven by the cross gcc */
const AARCH64_MUSL_SPECS = '/usr/lib/aarch64-linux-musl/musl-gcc.specs';

/** Compilers to try, in order, per target arch. */
export const HELPER_TOOLCHAINS = {
  x86_64: [
    { compiler: 'musl-gcc', flags: COMMON_FLAGS, output: 'sbx-helper' },
    { compiler: 'gcc', flags: COMMON_FLAGS, output: 'sbx-helper', onlyOnHost: 'x64' },
  ],
  aarch64: [
    { compiler: 'aarch64-linux-gnu-gcc', flags: ['-specs', AARCH64_MUSL_SPECS, ...COMMON_FLAGS], output: 'sbx-helper-aarch64', needs: AARCH64_MUSL_SPECS },
    { compiler: 'aarch64-linux-gnu-gcc', flags: COMMON_FLAGS, output: 'sbx-helper-aarch64' },
    { compiler: 'gcc', flags: COMMON_FLAGS, output: 'sbx-helper-aarch64', onlyOnHost: 'arm64' },
  ],
};

function run(cmd, args) {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 120000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ ok: !err, code: err?.code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * @param {{ outDir: string, arch?: 'x86_64' | 'aarch64' }} opts
 * @returns {Promise<{ ok: true, arch: string, path: string, compiler: string, warnings: string }
 *                  | { ok: false, arch: string, error: string }>}
 */
export async function buildHelper({ outDir, arch = process.arch === 'arm64' ? 'aarch64' : 'x86_64' }) {
  const toolchains = HELPER_TOOLCHAINS[arch];
  if (!toolchains) return { ok: false, arch, error: `no helper toolchain for arch ${arch} (x86_64 and aarch64 only)` };
  await mkdir(outDir, { recursive: true });
  const tried = [];
  for (const tc of toolchains) {
    if (tc.onlyOnHost && tc.onlyOnHost !== process.arch) continue;
    if (tc.needs && !(await stat(tc.needs).catch(() => null))) {
      tried.push(`${tc.compiler} with ${tc.needs}: not installed`);
      continue;
    }
    const output = path.join(outDir, tc.output);
    const r = await run(tc.compiler, [...tc.flags, '-o', output, ...HELPER_SOURCES]);
    if (r.code === 'ENOENT') {
      tried.push(`${tc.compiler}: not installed`);
      continue;
    }
    if (!r.ok) {
      tried.push(`${tc.compiler}: failed\n${r.stderr.trim().slice(0, 2000)}`);
      continue;
    }
    try {
      await stat(output);
    } catch {
      tried.push(`${tc.compiler}: produced no ${output}`);
      continue;
    }
    return { ok: true, arch, path: output, compiler: tc.needs ? `${tc.compiler} (musl)` : tc.compiler, warnings: r.stderr.trim() };
  }
  const hint =
    arch === 'x86_64'
      ? 'install musl-tools (musl-gcc) or a gcc with static glibc (libc6-dev)'
      : 'install gcc-aarch64-linux-gnu';
  return { ok: false, arch, error: `cannot build the ${arch} helper (${hint}); tried: ${tried.join('; ') || 'nothing'}` };
}

/** Builds every arch it can; the x86_64 result is required by the caller, aarch64 is optional. */
export async function buildAllHelpers({ outDir }) {
  return Promise.all([buildHelper({ outDir, arch: 'x86_64' }), buildHelper({ outDir, arch: 'aarch64' })]);
}
