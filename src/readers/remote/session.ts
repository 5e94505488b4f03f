// A helper session inside the target, over one --via channel:
//   1. the channel runs `sh -c BOOTSTRAP` there; the script prints the architecture;
//   2. we send the matching static helper through the same stdin; the script writes it into a
//      private 0700 directory on the first place that allows exec, proves it runs, and execs
//      it with the first round of questions as arguments (a line of stdin could be swallowed
//      by a `head -c` that reads ahead, so nothing else is on the pipe until the helper runs);
//   3. the helper removes its own file, says hello, answers, and then reads rounds of
//      questions from stdin until we close it.
// With --helper-path there is no upload: the channel execs that helper directly (1 round
// trip fewer, and no shell needed). Every failure comes back as a reason.
import { randomBytes } from 'node:crypto';
import { type Next, LineChannel } from './channel.js';
import { helperBytesForArch } from '../helper-location.js';
import { describeValue } from './wire.js';

export const PROTOCOL = 1;

export interface Hello { arch: string; pid: number; removedOwnCopy: boolean | null }

export interface SessionStats { roundTrips: number; bytesSent: number; bytesReceived: number }

export interface Round {
  /** every JSON object answered before the round's sync line, in order */
  answers: Record<string, unknown>[];
  /** lines that were not JSON objects */
  garbage: number;
  /** set when the round did not end with its sync line: the channel is gone */
  broken: string | null;
}

export interface ConnectOptions {
  /** the --via command, already split into words */
  via: string[];
  /** a helper already inside the target (--helper-path); else one is uploaded */
  helperPath?: string;
  /** the helper binary for an architecture (`uname -m` of the target), or why there is none;
   *  default: the one built for it, beside the bundle or in the single executable */
  helperFor?(arch: string): Promise<Uint8Array | string>;
  /** the first round of questions, sent as the helper's arguments */
  firstRound: string[];
  timeoutMs: number;
}

/** POSIX sh, for dash, busybox ash and bash alike; "$@" holds the helper's first requests. */
export function bootstrapScript(token: string): string {
  return [
    'umask 077',
    'echo "sbx-arch $(uname -m 2>/dev/null || echo unknown)"',
    "IFS= read -r n || exit 3",
    'case $n in ""|*[!0-9]*) echo "sbx-error no helper sent"; exit 3;; esac',
    'src=; tried=',
    'for b in "${TMPDIR:-}" /tmp /dev/shm /run /var/tmp "${HOME:-}"; do',
    '  case $b in /*) ;; *) continue;; esac',
    `  d="$b/sbx-via.$$.${token}"`,
    '  mkdir "$d" 2>/dev/null || { tried="$tried $b:mkdir"; continue; }',
    '  if [ -z "$src" ]; then',
    '    head -c "$n" > "$d/sbx-helper"',
    '    if [ "$(($(wc -c < "$d/sbx-helper")))" != "$n" ]; then rm -rf "$d"; echo "sbx-error upload cut short in $b"; exit 3; fi',
    '    src="$d/sbx-helper"',
    '  elif ! cat "$src" > "$d/sbx-helper"; then rm -rf "$d"; tried="$tried $b:write"; continue',
    '  fi',
    '  chmod 700 "$d/sbx-helper"',
    '  if "$d/sbx-helper" --ping; then',
    '    [ "$src" = "$d/sbx-helper" ] || rm -rf "${src%/sbx-helper}"',
    '    exec "$d/sbx-helper" --remote --unlink "$d/sbx-helper" -- "$@"',
    '  fi',
    '  tried="$tried $b:noexec"',
    '  [ "$src" = "$d/sbx-helper" ] || rm -rf "$d"',
    'done',
    '[ -n "$src" ] && rm -rf "${src%/sbx-helper}"',
    'echo "sbx-error no place to run the helper:$tried"',
    'exit 3',
  ].join('\n');
}

export class RemoteSession {
  private syncs = 0;
  roundTrips = 0;

  private constructor(
    private readonly channel: LineChannel,
    readonly hello: Hello,
    readonly how: 'uploaded' | 'in place',
    private readonly timeoutMs: number,
  ) {}

  get stats(): SessionStats {
    return { roundTrips: this.roundTrips, ...this.channel.stats };
  }

  /** Opens the channel and starts the helper; the first round's answers come with it. */
  static async connect(opts: ConnectOptions): Promise<{ session: RemoteSession; first: Round } | { error: string }> {
    if (!opts.via.length) return { error: '--via needs a command' };
    const deadline = () => performance.now() + opts.timeoutMs;
    const first = [...opts.firstRound, 'sync s0'];
    let channel: LineChannel;
    let how: 'uploaded' | 'in place';
    let roundTrips = 0;
    if (opts.helperPath) {
      channel = new LineChannel([...opts.via, opts.helperPath, '--remote', '--', ...first]);
      how = 'in place';
    } else {
      const token = randomBytes(6).toString('hex');
      channel = new LineChannel([...opts.via, 'sh', '-c', bootstrapScript(token), 'sbx-via', ...first]);
      how = 'uploaded';
      roundTrips++;
      const archLine = await firstLineStartingWith(channel, 'sbx-arch ', deadline());
      if ('end' in archLine) return fail(channel, `the target gave no architecture (${archLine.end})${noShellHint(channel)}`);
      const arch = archLine.line.slice('sbx-arch '.length).trim();
      const helper = await (opts.helperFor ?? helperBytesForArch)(arch);
      if (typeof helper === 'string') {
        channel.write('none\n'); // the script stops and removes nothing it had not made
        return fail(channel, helper);
      }
      channel.write(`${helper.length}\n`);
      channel.write(Buffer.from(helper.buffer, helper.byteOffset, helper.byteLength));
    }
    roundTrips++;
    const helloLine = await firstLineStartingWith(channel, '{"req":"hello"', deadline(), 'sbx-error ');
    if ('end' in helloLine) return fail(channel, `the helper did not start (${helloLine.end})${opts.helperPath ? '' : noShellHint(channel)}`);
    if (helloLine.line.startsWith('sbx-error ')) return fail(channel, `the target could not run the helper: ${helloLine.line.slice(10, 400)}`);
    const hello = parseHello(helloLine.line);
    if (typeof hello === 'string') return fail(channel, hello);
    const session = new RemoteSession(channel, hello, how, opts.timeoutMs);
    session.roundTrips = roundTrips;
    const round = await session.collect('s0', deadline());
    return { session, first: round };
  }

  /** One round trip: the questions, a sync line, and every answer up to that sync. */
  async ask(lines: string[], timeoutMs = this.timeoutMs): Promise<Round> {
    const id = `s${++this.syncs}`;
    this.roundTrips++;
    this.channel.write(lines.map((l) => l + '\n').join('') + `sync ${id}\n`);
    return this.collect(id, performance.now() + timeoutMs);
  }

  /** Closes stdin: the helper exits at the end of its input. Its exit status, when known. */
  async close(): Promise<{ code: number | null; signal: string | null } | null> {
    return this.channel.close();
  }

  private async collect(syncId: string, deadline: number): Promise<Round> {
    const answers: Record<string, unknown>[] = [];
    let garbage = 0;
    for (;;) {
      const n: Next = await this.channel.next(deadline);
      if ('end' in n) return { answers, garbage, broken: n.end };
      const v = parseObject(n.line);
      if (!v) {
        garbage++;
        continue;
      }
      if (v.req === 'sync' && v.id === syncId) return { answers, garbage, broken: null };
      answers.push(v);
    }
  }
}

function parseObject(line: string): Record<string, unknown> | null {
  if (line[0] !== '{') return null;
  try {
    const v = JSON.parse(line);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

function parseHello(line: string): Hello | string {
  const v = parseObject(line);
  if (!v) return 'the helper\'s hello line is not JSON';
  if (v.protocol !== PROTOCOL) return `the helper speaks protocol ${describeValue(v.protocol)}, not ${PROTOCOL}: a different sbx-detect version`;
  if (typeof v.arch !== 'string' || typeof v.pid !== 'number') return 'the helper\'s hello lacks arch or pid';
  const removed = v.unlink_errno === undefined ? null : v.unlink_errno === 0;
  return { arch: v.arch.slice(0, 40), pid: v.pid, removedOwnCopy: removed };
}

/** Waits for the line that starts with prefix. What came before it is kept (a few lines): an
 *  engine may print its own error on stdout (`docker exec`: "OCI runtime exec failed: …"). */
async function firstLineStartingWith(channel: LineChannel, prefix: string, deadline: number, orPrefix?: string): Promise<Next> {
  for (let skipped = 0; skipped < 1000; skipped++) {
    const n = await channel.next(deadline);
    if ('end' in n) {
      const said = channel.noise.join(' / ').slice(0, 300);
      return said ? { end: `${n.end}; it printed: ${said}` } : n;
    }
    if (n.line.startsWith(prefix) || (orPrefix && n.line.startsWith(orPrefix))) return n;
    if (channel.noise.length < 3) channel.noise.push(n.line.slice(0, 200));
  }
  channel.kill();
  return { end: `more than 1000 lines of noise before "${prefix.trim()}"` };
}

function noShellHint(channel: LineChannel): string {
  const said = `${channel.stderrText()} ${channel.noise.join(' ')}`;
  return /\b(sh|shell)\b.*(not found|no such file)|executable file not found|exec: "sh"/i.test(said)
    ? '; the target seems to have no POSIX shell: pass --helper-path with a helper already inside it'
    : '';
}

async function fail(channel: LineChannel, error: string): Promise<{ error: string }> {
  await channel.close(500);
  return { error };
}
