// Runs dist/sbx-detect.cjs as require() would, but compiled with the V8 code cache that
// `npm run build` writes beside it (dist/sbx-detect.cjs.cache). The cache is made after a
// training run of the bundle (`--json --no-helper`), so it holds the functions a report calls,
// not only the top level: V8 neither parses the bundle nor compiles those functions again.
// That saves ~30 ms of CPU per start here (docs/speed.md, "Start-up").
//
// The cache file starts with the SHA-1 of the bundle it was made from: a cache left from another
// build is not used (V8's own check compares only the source's length). build.mjs writes that
// SHA-1 as the bundle's last line, so it is read here, not computed (node:crypto and hashing
// 0.6 MiB cost ~3 ms a start); a bundle without the line is hashed. One made by another Node
// or V8 (or under other V8 flags) is rejected by V8 itself, which then compiles from source. In
// every such case, and when there is no cache, the bundle runs exactly as with require().
//
//   require('./run-bundle.cjs').runBundle(path)             (bin/sbx-detect, bin/kubectl-sbx)
//   node bin/run-bundle.cjs --make-cache BUNDLE ARGS…        (build.mjs: runs BUNDLE ARGS…,
//                                                              stdout discarded, writes BUNDLE.cache)
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const HASH_BYTES = 20;

const ID_LINE = /\/\/# sbx-bundle-id=([0-9a-f]{40})\n?$/;

/** The bundle's id: the SHA-1 build.mjs wrote as its last line, or (a bundle built otherwise)
 *  its SHA-1 computed here. */
function digest(source) {
  const id = ID_LINE.exec(source.subarray(Math.max(0, source.length - 80)).toString('latin1'));
  if (id) return Buffer.from(id[1], 'hex');
  return require('node:crypto').createHash('sha1').update(source).digest();
}

/** Runs the bundle; returns its vm.Script (for --make-cache). */
function runBundle(bundle, opts = {}) {
  bundle = path.resolve(bundle);
  let cached = null;
  if (!opts.makeCache) {
    try {
      cached = fs.readFileSync(`${bundle}.cache`);
    } catch {
      return { script: null, module: require(bundle) };
    }
  }
  const source = fs.readFileSync(bundle);
  const cachedData = cached && cached.length > HASH_BYTES && digest(source).equals(cached.subarray(0, HASH_BYTES))
    ? cached.subarray(HASH_BYTES) : undefined;
  const script = new vm.Script(Module.wrap(source.toString('utf8')), { filename: bundle, cachedData });
  const m = new Module(bundle, module);
  m.filename = bundle;
  m.paths = Module._nodeModulePaths(path.dirname(bundle));
  require.cache[bundle] = m;
  script.runInThisContext().call(m.exports, m.exports, Module.createRequire(bundle), m, bundle, path.dirname(bundle));
  m.loaded = true;
  return { script, source };
}

if (require.main === module && process.argv[2] === '--make-cache') {
  const bundle = path.resolve(process.argv[3]);
  process.argv.splice(1, 3, bundle); // the bundle sees [node, bundle, ARGS…]
  process.stdout.write = (_chunk, _enc, cb) => {
    if (typeof _enc === 'function') _enc();
    else if (typeof cb === 'function') cb();
    return true;
  };
  const { script, source } = runBundle(bundle, { makeCache: true });
  process.once('exit', (code) => {
    if (code !== 0) {
      process.stderr.write(`run-bundle: the training run exited ${code}: no code cache written\n`);
      return;
    }
    fs.writeFileSync(`${bundle}.cache`, Buffer.concat([digest(source), script.createCachedData()]));
  });
}

module.exports = { runBundle };
