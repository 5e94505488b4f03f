// A worker thread of the archive fuzz test: runs one share of the runs (archive-mutants.ts
// runBatch) and posts the result. Bundled by esbuild at the start of the test, as the CLI is.
import { parentPort, workerData } from 'node:worker_threads';
import { runBatch } from './archive-mutants.js';

runBatch(workerData).then(
  (r) => parentPort!.postMessage(r),
  (err) => parentPort!.postMessage({ crashed: (err as Error)?.stack ?? String(err) }),
);
