// Preloaded by the benchmarks (`node -r bench-phases.cjs bin/sbx-detect --json`) to tell
// where one run's time goes, without changing the tool. At exit it writes one stderr line,
//   SBX_PHASES {"preload":…,"loadStart":…,"loadEnd":…,"firstFs":…,"lastFs":…,"helper":[[start,end],…],"exit":…}
// in milliseconds since the process started (performance.timeOrigin):
//   preload    Node's own start-up: this preload runs (Node's bootstrap is done)
//   loadStart  the first script (bin/sbx-detect, or the bundle) is about to be compiled and run
//              (null in the single executable, which
//              does not go through Module#_compile: there firstFs - preload is load and parse)
//   loadEnd    the bundle's top level has run (compiled, every module evaluated but those imported
//              lazily); main() has started and waits on its first promise
//   firstFs    the first file read after loadEnd (the arguments are parsed: the file probes start)
//   lastFs     the last file read before the (last) helper closed: the file probes are done (they
//              run while the helper does: it is spawned first)
//   helper     each helper process: spawned, closed (its stdout drained)
//   exit       process 'exit': the report is written (what follows is Node's teardown)
// Every hook only notes a time and calls the original.
'use strict';
const fs = require('node:fs');
const cp = require('node:child_process');
const Module = require('node:module');

const now0 = Math.round(performance.now() * 100) / 100;
const t = { preload: now0, loadStart: null, loadEnd: null, firstFs: null, lastFs: null, helper: [], exit: null };
let helperOpen = 0;
const now = () => Math.round(performance.now() * 100) / 100;

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (t.loadStart !== null) return compile.apply(this, arguments);
  t.loadStart = now();
  try {
    return compile.apply(this, arguments);
  } finally {
    t.loadEnd = now();
  }
};

for (const name of ['readFileSync', 'openSync', 'readdirSync', 'readlinkSync', 'lstatSync', 'statSync']) {
  const orig = fs[name];
  fs[name] = function () {
    if (t.loadEnd !== null) {
      if (t.firstFs === null) t.firstFs = now();
      if (helperOpen > 0 || t.helper.length === 0) t.lastFs = now();
    }
    return orig.apply(this, arguments);
  };
}

const spawn = cp.spawn;
cp.spawn = function () {
  const child = spawn.apply(this, arguments);
  const span = [now(), null];
  t.helper.push(span);
  helperOpen++;
  child.once('close', () => {
    span[1] = now();
    helperOpen--;
  });
  return child;
};

process.once('exit', () => {
  t.exit = now();
  fs.writeSync(2, `SBX_PHASES ${JSON.stringify(t)}\n`);
});
