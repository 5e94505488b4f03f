// The process entry of every command: `sbx-detect [options]` (cli.ts), `sbx-detect node`
// (node/main.ts) and `sbx-detect kubectl …`, which bin/kubectl-sbx runs (kubectl/main.ts). Sets
// the exit code (exit-codes.ts) and never lets a run end without a report or an error.
import { EXIT } from './exit-codes.js';

declare const SBX_VERSION: string; // set by build.mjs
const VERSION = typeof SBX_VERSION === 'string' ? SBX_VERSION : '0.0.0-dev';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'kubectl') return (await import('./kubectl/main.js')).kubectlMain(argv.slice(1), VERSION);
  if (argv[0] === 'node') return (await import('./node/main.js')).nodeMain(argv.slice(1), VERSION);
  return (await import('./cli.js')).podMain(argv, VERSION);
}

let settled = false;
// a promise that can never settle (a wait nobody will end) would let Node exit 0 with no
// report: that is an internal error, said as one
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write('sbx-detect: internal error: the run ended before its report (a wait that nothing ends)\n');
  process.exitCode = EXIT.internal;
});
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    // exitCode, not exit(): a large report written to a pipe must drain first
    process.exitCode = code;
  },
  (err) => {
    settled = true;
    process.stderr.write(`sbx-detect: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = EXIT.internal;
  },
);
