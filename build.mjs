// Builds dist/: the bundle (dist/sbx-detect.cjs) and the static native helper (dist/sbx-helper).
// and the single executable dist/sbx-detect. Usage: node build.mjs [--no-helper] [--no-sea]
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'dist');
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(outDir, 'sbx-detect.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs', // a Node single-executable application needs CommonJS
  target: 'node20',
  minify: true,
  legalComments: 'none',
  // yargs 18 is ESM-only and calls createRequire(import.meta.url): give the CJS bundle one
  define: { 'import.meta.url': '__sbx_import_meta_url', SBX_VERSION: JSON.stringify(pkg.version) },
  banner: { js: 'var __sbx_import_meta_url=require("url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
// the bundle's id, its SHA-1, as its last line: bin/run-bundle.cjs matches the code cache to it
// without loading node:crypto and hashing 0.6 MiB at every start (~3 ms)
{
  const { createHash } = await import('node:crypto');
  const { appendFileSync } = await import('node:fs');
  const file = join(outDir, 'sbx-detect.cjs');
  appendFileSync(file, `\n//# sbx-bundle-id=${createHash('sha1').update(readFileSync(file)).digest('hex')}\n`);
}
console.log('built dist/sbx-detect.cjs');

// V8's code cache for bin/sbx-detect (bin/run-bundle.cjs): made after a training run of the bundle
// (a report of this machine, read-only, no helper), so it holds the functions a report calls.
// Made by this node; another Node rejects it and compiles from source. Not fatal without it.
{
  const { spawnSync } = await import('node:child_process');
  const { rmSync } = await import('node:fs');
  rmSync(join(outDir, 'sbx-detect.cjs.cache'), { force: true });
  const r = spawnSync(process.execPath, [join(here, 'bin/run-bundle.cjs'), '--make-cache', join(outDir, 'sbx-detect.cjs'), '--json', '--no-helper'],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 60_000 });
  console.log(r.status === 0 && existsSync(join(outDir, 'sbx-detect.cjs.cache')) ? 'built dist/sbx-detect.cjs.cache (V8 code cache)'
    : `no code cache for the bundle (training run: ${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-300)}`);
}

if (!process.argv.includes('--no-helper')) {
  const helperBuild = join(here, 'src/helper/build.mjs');
  if (existsSync(helperBuild)) {
    const { buildHelper } = await import(helperBuild);
    const built = await buildHelper({ outDir, arch: 'x86_64' });
    if (!built.ok) {
      console.error(`cannot build the native helper: ${built.error}`);
      process.exit(1);
    }
    console.log(`built ${built.path} (${built.compiler})`);
    // the aarch64 helper too, where Debian's cross compiler is installed (not fatal without it)
    const arm = await buildHelper({ outDir, arch: 'aarch64' });
    console.log(arm.ok ? `built ${arm.path} (${arm.compiler})` : `no aarch64 helper: ${arm.error}`);
  }
}

// the single executable (dist/sbx-detect): Node SEA with the bundle and the helper embedded
if (!process.argv.includes('--no-sea') && process.platform === 'linux' && process.arch === 'x64') {
  const { buildSea } = await import('./scripts/build-sea.mjs');
  const helper = join(outDir, 'sbx-helper');
  const arm = join(outDir, 'sbx-helper-aarch64');
  const sea = await buildSea({
    outDir, bundle: join(outDir, 'sbx-detect.cjs'), codeCache: join(outDir, 'sbx-detect.cjs.cache'), helper: existsSync(helper) ? helper : null, helperAarch64: existsSync(arm) ? arm : null, quiet: true,
  });
  console.log(`built ${sea.path} (${(sea.size / 1048576).toFixed(1)} MiB, helper ${sea.helperEmbedded ? 'embedded' : 'not embedded'})`);
}
