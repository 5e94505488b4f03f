// Builds dist/sbx-detect: a Node single-executable application (linux-x64) whose main script is
// the CommonJS bundle and which carries the static helper as the asset "sbx-helper" (found at run
// time by src/readers/helper-location.ts). Node 20: `node --experimental-sea-config` writes the
// blob, postject injects it into a copy of this node binary.
//
//   import { buildSea } from './scripts/build-sea.mjs';
//   await buildSea({ outDir: 'dist', bundle: 'dist/sbx-detect.cjs', helper: 'dist/sbx-helper' });
//
//   node scripts/build-sea.mjs [--out-dir DIR] [--bundle FILE] [--helper FILE|--no-helper]
//                              [--no-code-cache] [--output NAME]
//
// useCodeCache is on by default: V8's code cache for the bundle is built in, which saves
// compiling the (minified, ~1 MB) bundle at every start (measured in deploy/README.md).
// useSnapshot is not used: it needs the main script written as a snapshot entry point.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Key of the helper asset; src/readers/helper-location.ts reads the same key. */
export const SEA_ASSET_KEY = 'sbx-helper';
/** Keys of the bundle and its code cache when the main script is the loader below. */
const SEA_BUNDLE_KEY = 'sbx-bundle.cjs';
const SEA_CACHE_KEY = 'sbx-bundle.cjs.cache';
/**
 * The single executable's main script when a code cache is given: runs the bundle as Node would
 * run it as the main script (same require, module, __filename, __dirname), compiled with the cache
 * (its first 20 bytes are the bundle's SHA-1, checked when it was made: both come from one build).
 * A cache V8 rejects costs only the compile it would have saved.
 */
const SEA_LOADER = `'use strict';
const sea = require('node:sea');
const source = sea.getAsset(${JSON.stringify(SEA_BUNDLE_KEY)}, 'utf8');
const cachedData = Buffer.from(sea.getAsset(${JSON.stringify(SEA_CACHE_KEY)})).subarray(20);
const script = new (require('node:vm').Script)(require('node:module').wrap(source), { filename: __filename, cachedData });
script.runInThisContext().call(module.exports, module.exports, require, module, __filename, __dirname);
`;
/** The fuse Node's binary carries for SEA blobs (Node docs, "Single executable applications"). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * @param {{ outDir: string, bundle: string, helper?: string | null, useCodeCache?: boolean,
 *           node?: string, output?: string, quiet?: boolean }} opts
 *   helper: the static helper to embed; null/undefined builds without it (a warning is printed).
 *   helperAarch64: the aarch64 helper, embedded too when given: --via sends it to arm64 targets.
 *   node: the node binary to copy (default: the one running this script; must be linux-x64).
 * @returns {Promise<{ path: string, size: number, useCodeCache: boolean, helperEmbedded: boolean }>}
 */
export async function buildSea({ outDir, bundle, helper = null, helperAarch64 = null, useCodeCache = true, codeCache = null, node = process.execPath, output = 'sbx-detect', quiet = false }) {
  const log = quiet ? () => {} : (m) => console.log(m);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`build-sea: builds a linux-x64 single executable from this node; this is ${process.platform}-${process.arch}`);
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) throw new Error(`build-sea: needs Node >= 20 (this is ${process.version})`);
  outDir = resolve(outDir);
  bundle = resolve(bundle);
  if (!existsSync(bundle)) throw new Error(`build-sea: no bundle at ${bundle} (run node build.mjs first)`);
  if (helper) {
    helper = resolve(helper);
    if (!existsSync(helper)) throw new Error(`build-sea: no helper at ${helper}`);
  } else {
    process.stderr.write('build-sea: warning: no helper given; the executable will look for sbx-helper beside itself only\n');
  }
  const nodeBin = resolve(node);
  if (!readFileSync(nodeBin).includes(SEA_FUSE)) {
    throw new Error(`build-sea: ${nodeBin} has no ${SEA_FUSE} (a node built without single-executable support)`);
  }

  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'sbx-sea-'));
  const target = join(outDir, output);
  const partial = join(outDir, `.${output}.partial-${process.pid}`);
  try {
    const blob = join(work, 'sea-prep.blob');
    // With codeCache (dist/sbx-detect.cjs.cache, made by bin/run-bundle.cjs after a training run
    // of the bundle, by this same node), the main script is a small loader that compiles the
    // bundle (an asset) with that cache, which holds the functions a report calls; Node's own
    // useCodeCache holds only what compiling the top level makes. Measured in docs/speed.md
    // ("Start-up").
    let main = bundle;
    const seaAssets = {};
    if (codeCache && existsSync(codeCache)) {
      main = join(work, 'sea-main.cjs');
      writeFileSync(main, SEA_LOADER);
      seaAssets[SEA_BUNDLE_KEY] = bundle;
      seaAssets[SEA_CACHE_KEY] = resolve(codeCache);
    }
    const config = {
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache,
      assets: { ...seaAssets, ...(helper ? { [SEA_ASSET_KEY]: helper, ...(helperAarch64 ? { [`${SEA_ASSET_KEY}-aarch64`]: resolve(helperAarch64) } : {}) } : {}) },
    };
    const configPath = join(work, 'sea-config.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
    // The blob is made by the same node that is copied, so the code cache matches its V8.
    const prep = spawnSync(nodeBin, ['--experimental-sea-config', configPath], { encoding: 'utf8', cwd: work });
    if (prep.status !== 0) {
      throw new Error(`build-sea: node --experimental-sea-config failed (${prep.status ?? prep.signal}): ${prep.stderr || prep.stdout}`);
    }

    copyFileSync(nodeBin, partial);
    chmodSync(partial, 0o755);
    const { inject } = await loadPostject();
    // postject prints "Can't find string offset for section name '.note…'" on Node's binary:
    // harmless (lab notes). Silence it unless something actually fails.
    const restore = muteWarnings(quiet);
    try {
      await inject(partial, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
    } finally {
      restore();
    }
    renameSync(partial, target);
    const size = statSync(target).size;
    log(`built ${target} (${(size / 1048576).toFixed(1)} MiB, useCodeCache ${useCodeCache}, helper ${helper ? 'embedded' : 'not embedded'})`);
    return { path: target, size, useCodeCache, helperEmbedded: Boolean(helper) };
  } finally {
    rmSync(partial, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

async function loadPostject() {
  const { createRequire } = await import('node:module');
  return createRequire(import.meta.url)('postject');
}

/** postject writes its ELF warnings through console.warn/console.log; keep only real errors. */
function muteWarnings(quiet) {
  const { warn, log } = console;
  const filter = (orig) => (...a) => {
    const text = a.map(String).join(' ');
    if (/Can't find string offset for section name|^warning:|Start injection|Injection done|💉/i.test(text)) return;
    if (!quiet) orig(...a);
  };
  console.warn = filter(warn);
  console.log = filter(log);
  return () => {
    console.warn = warn;
    console.log = log;
  };
}

function parseArgs(argv) {
  const here = dirname(fileURLToPath(import.meta.url));
  const project = resolve(here, '..');
  const o = { outDir: join(project, 'dist'), bundle: null, helper: undefined, useCodeCache: true, output: 'sbx-detect' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--out-dir') o.outDir = val();
    else if (a === '--bundle') o.bundle = val();
    else if (a === '--helper') o.helper = val();
    else if (a === '--no-helper') o.helper = null;
    else if (a === '--no-code-cache') o.useCodeCache = false;
    else if (a === '--output') o.output = val();
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/build-sea.mjs [--out-dir DIR] [--bundle FILE] [--helper FILE|--no-helper] [--no-code-cache] [--output NAME]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  o.bundle ??= join(o.outDir, 'sbx-detect.cjs');
  if (o.helper === undefined) {
    const beside = join(o.outDir, 'sbx-helper');
    o.helper = existsSync(beside) ? beside : null;
  }
  return o;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    await buildSea(parseArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
}
