// Progress on stderr while the helper runs: only on a TTY, and only once the run has taken half
// a second (under gVisor-ptrace a fork costs ~1 ms, so the scan is slow enough to notice).
// The line is erased when the run ends, so the report starts on a clean line.
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

export function progressReporter(stream: ProgressStream, started: number, now: () => number = () => performance.now(), what = 'probing') {
  let shown = false;
  return {
    update: (done: number, total: number) => {
      if (!stream.isTTY || now() - started < 500) return;
      shown = true;
      stream.write(`\rsbx-detect: ${what} ${Math.min(done, total)}/${total}`);
    },
    done: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
