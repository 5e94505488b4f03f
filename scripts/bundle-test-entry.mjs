// Node 20 cannot run TypeScript: the scripts that drive the real-runtime harness (matrix, the
// in-runtime benchmark) bundle their TS entry with esbuild into .cache/matrix/, two levels below
// the project like test/runtimes/, so the harness's project-relative paths hold, and import it.
// npm packages and scripts/qemu-guest/ stay external (see test/runtimes/qemu.ts).
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const project = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles test/<entry>.ts and returns its module. */
export async function importTestEntry(entry) {
  const outDir = join(project, '.cache', 'matrix');
  const outfile = join(outDir, `${basename(entry, '.ts')}.mjs`);
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(project, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    // test/support/schema.ts finds the schema from __dirname (vitest provides it; ESM does not)
    define: { __dirname: JSON.stringify(join(project, 'test/support')) },
    banner: { js: "import { createRequire as __sbxCreateRequire } from 'node:module'; const require = __sbxCreateRequire(import.meta.url);" },
    plugins: [{
      name: 'qemu-guest-external',
      setup(b) {
        // kept as an absolute import: it finds its own files relative to itself
        b.onResolve({ filter: /qemu-guest\/build-initramfs\.mjs$/ }, (a) => ({ path: resolve(a.resolveDir, a.path), external: true }));
      },
    }],
  });
  return import(pathToFileURL(outfile).href);
}
