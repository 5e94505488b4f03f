// A line channel into the target: the --via command (`docker exec -i C`, `kubectl exec -i …`)
// run with pipes, read line by line. Only bytes move here. Everything that comes back is
// bounded — one line, all lines together, the time each wait may take — because the other end
// may hang, flood, close early or send garbage; each of those ends as a reason, never a throw.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/** The largest legitimate line: a 4 MiB file with every byte escaped as \u00XX, plus framing. */
export const MAX_LINE_BYTES = 6 * 4 * 1024 * 1024 + 4096;
/** All a report can need (every file capped, a few dozen of them) with room to spare. */
export const MAX_TOTAL_BYTES = 128 * 1024 * 1024;
const STDERR_KEEP = 4096;
const STDERR_HEAD = 1024;

export type Next = { line: string } | { end: string };

export interface ChannelStats { bytesSent: number; bytesReceived: number }

export class LineChannel {
  readonly stats: ChannelStats = { bytesSent: 0, bytesReceived: 0 };
  /** the first lines that were not the expected ones, for error messages */
  readonly noise: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams | null;
  private readonly lines: (string | null)[] = []; // null: an overlong line, dropped
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private overlong = false;
  private ended: string | null = null;
  private waiter: (() => void) | null = null;
  private stderr = '';
  private exit: { code: number | null; signal: string | null } | null = null;
  private readonly exited: Promise<void>;

  constructor(readonly argv: string[]) {
    let child: ChildProcessWithoutNullStreams | null = null;
    let onExit!: () => void;
    this.exited = new Promise((r) => (onExit = r));
    try {
      // its own process group: on a timeout the channel command goes with everything it started
      child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      this.finish(`cannot start ${argv[0]}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      onExit();
    }
    this.child = child;
    if (!child) return;
    child.stdout.on('data', (b: Buffer) => this.take(b));
    child.stdout.on('end', () => {
      // the exit status usually follows the end of output: wait a moment for it, to say it
      const moment = new Promise((r) => setTimeout(r, 200).unref());
      void Promise.race([this.exited, moment]).then(() => this.finish(this.describeEnd()));
    });
    child.stderr.on('data', (b: Buffer) => {
      // its start and its end: a runtime's error quotes the whole command it could not run (the
      // bootstrap and the first round, several KiB) before the cause (`ctr task exec`: "…": no such file)
      const all = this.stderr + b.toString('utf8');
      this.stderr = all.length <= STDERR_KEEP ? all : `${all.slice(0, STDERR_HEAD)}…${all.slice(-(STDERR_KEEP - STDERR_HEAD))}`;
    });
    child.stdin.on('error', () => {}); // EPIPE when the other end is gone: seen as the end of stdout
    child.on('error', (err: NodeJS.ErrnoException) => {
      this.finish(`cannot run ${argv[0]}: ${err.code ?? err.message}`);
      onExit();
    });
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      onExit();
      // a grandchild may still hold stdout open: do not wait on it for ever
      setTimeout(() => this.finish(this.describeEnd()), 200).unref();
    });
  }

  /** What the channel command printed on stderr (its own error messages), cut short. */
  stderrText(): string {
    return this.stderr.trim();
  }

  write(data: string | Buffer): void {
    if (!this.child || this.ended) return;
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    this.stats.bytesSent += b.length;
    this.child.stdin.write(b);
  }

  /** The next line, or why there is none: closed, timed out, flooded. */
  async next(deadline: number): Promise<Next> {
    for (;;) {
      if (this.lines.length) {
        const l = this.lines.shift()!;
        return l === null ? { line: '\u0000overlong' } : { line: l };
      }
      if (this.ended) return { end: this.ended };
      const left = deadline - performance.now();
      if (left <= 0) {
        this.kill();
        this.finish('timed out waiting for an answer');
        return { end: this.ended! };
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Ends our side: stdin closed, then a bounded wait for the command to exit, then SIGKILL. */
  async close(graceMs = 2000): Promise<{ code: number | null; signal: string | null } | null> {
    if (!this.child) return null;
    this.child.stdin.end();
    const t = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(t);
    this.child.stdout.destroy();
    this.child.stderr.destroy();
    return this.exit;
  }

  kill(): void {
    if (!this.child || this.exit) return;
    try {
      if (this.child.pid) process.kill(-this.child.pid, 'SIGKILL'); // our own command and its descendants
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  private describeEnd(): string {
    const e = this.exit;
    const how = !e ? 'closed its output' : e.signal ? `ended by ${e.signal}` : `exited ${e.code}`;
    const said = this.stderrText();
    return `the channel ${how}${said ? `: ${said.split('\n').slice(-3).join(' / ').slice(0, 300)}` : ''}`;
  }

  private finish(why: string): void {
    if (this.ended) return;
    this.ended = why;
    this.waiter?.();
  }

  private take(b: Buffer): void {
    if (this.ended) return;
    this.stats.bytesReceived += b.length;
    if (this.stats.bytesReceived > MAX_TOTAL_BYTES) {
      this.kill();
      this.finish(`the channel sent more than ${MAX_TOTAL_BYTES} bytes`);
      return;
    }
    let start = 0;
    for (let nl = b.indexOf(10, start); nl !== -1; nl = b.indexOf(10, start)) {
      this.push(b.subarray(start, nl));
      if (this.overlong) this.lines.push(null);
      else this.lines.push(Buffer.concat(this.partial).toString('utf8'));
      this.partial = [];
      this.partialBytes = 0;
      this.overlong = false;
      start = nl + 1;
    }
    if (start < b.length) this.push(b.subarray(start));
    this.waiter?.();
  }

  private push(piece: Buffer): void {
    if (this.overlong) return;
    if (this.partialBytes + piece.length > MAX_LINE_BYTES) {
      this.overlong = true; // keep nothing more of it; the line still ends at its newline
      this.partial = [];
      this.partialBytes = 0;
      return;
    }
    this.partial.push(Buffer.from(piece)); // a copy: the chunk's memory is reused
    this.partialBytes += piece.length;
  }
}
