// npm run matrix [-- --only ID,ID] [-- --capture] [-- --save DIR]
// Runs the real-runtime matrix (test/matrix/cases.ts) and prints ONE markdown table with the total
// duration. Node 20 cannot run TypeScript, so the cases, the harness and the runner are bundled
// with esbuild on the fly into .cache/matrix/matrix.mjs — two levels below the project, like
// test/runtimes/, so the harness's own project-relative paths hold — and imported from there.
// npm packages and scripts/qemu-guest/ stay external (see test/runtimes/qemu.ts).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const project = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(project, '.cache', 'matrix');
const outfile = join(outDir, 'matrix.mjs');
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: [join(project, 'test/matrix/table.ts')],
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

const { main } = await import(pathToFileURL(outfile).href);
process.exitCode = await main(process.argv.slice(2));
