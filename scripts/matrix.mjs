// npm run matrix [-- --only ID,ID] [-- --capture] [-- --save DIR]
// Runs the real-runtime matrix (test/matrix/cases.ts) and prints ONE markdown table with the
// total duration (test/matrix/table.ts, bundled on the fly: see bundle-test-entry.mjs). That
// output is pasted by hand between the <!-- matrix:begin/end --> markers of docs/matrix.md (in the
// README until issue #25 moved the matrix there).
import { importTestEntry } from './bundle-test-entry.mjs';

try {
  const { main } = await importTestEntry('test/matrix/table.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  // one line, never a stack trace (main catches what the cases throw; this is the bundling)
  process.stderr.write(`matrix: cannot run: ${String(e?.message ?? e).split('\n')[0]}\n`);
  process.exitCode = 2;
}
