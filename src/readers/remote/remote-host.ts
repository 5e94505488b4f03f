// A Host whose answers come from the helper inside the target, over a --via channel.
//
// The probes are synchronous and choose later reads from earlier answers (mountinfo, then a
// stat of each mount point), so collection runs in rounds: `prefetch(pass)` runs the probes
// against what is known so far, every question they ask that has no answer yet is noted,
// the notes go over the channel in one batch, and the pass runs again — until a pass asks
// nothing new. The first batch rides along with the helper's start; the native plan (the
// syscall scan) is sent with the second, computed from the facts the first answered, and sent
// again only if the final facts would plan differently. After prefetch the host is a plain
// cache, and the normal gathering runs over it (and may be recorded into a snapshot).
import type { Collection, HelperAnswer, Host, Read, StatInfo, Uname } from '../host.js';
import { readError } from '../host.js';
import { type ConnectOptions, RemoteSession, type Round } from './session.js';
import { splitCommand } from './split-command.js';
import { type AnswerValue, decodeAnswer, fromBytes, type Question, questionKey, questionLine, questionName, unaskable } from './wire.js';

/** Rounds after the first; the probes need three levels today. A hostile target that keeps
 *  inventing new paths is cut off here, and what it left unanswered is unknown. */
const MAX_ROUNDS = 6;
const QUESTION_KINDS = new Set(['read', 'list', 'link', 'stat', 'env', 'uname']);

/** One pass of the probes: runs them over `host`, returns the native plan they would send
 *  (null: no helper run). Supplied by the probes room (probes/index.ts `prefetchPass`). */
export type Pass = (host: Host) => string[] | null;

export type RemoteHost = Host & {
  prefetch(pass: Pass): Promise<{ ok: true } | { ok: false; error: string }>;
};

export interface RemoteHostOptions extends Omit<ConnectOptions, 'firstRound'> {
  /** how the channel is named in the report: the --via string as the user gave it */
  label: string;
  /** ask about this process instead of the helper itself: every `/proc/self/…` path becomes
   *  `/proc/PID/…` (an ephemeral debug container reads its target's status, namespaces, cgroup
   *  and mounts this way). `/proc/thread-self/…` still answers for the helper's own. */
  selfPid?: number;
}

export function createRemoteHost(opts: RemoteHostOptions): RemoteHost {
  const cache = new Map<string, Read<AnswerValue>>();
  let wanted = new Map<string, Question>();
  let closedReason: string | null = null; // set once collection is over: a miss is then final
  let native: { plan: string[]; answer: Read<HelperAnswer> } | null = null;
  let collection: Collection = { method: 'remote', channel: opts.label };

  const ask = (asked: Question): Read<AnswerValue> => {
    const q = opts.selfPid === undefined ? asked : remapSelf(asked, opts.selfPid);
    const key = questionKey(q);
    const hit = cache.get(key);
    if (hit) return hit;
    const name = questionName(q);
    const why = unaskable(q);
    if (why) {
      const r = readError('EINVAL', name, `EINVAL: ${name}: ${why}`);
      cache.set(key, r);
      return r;
    }
    if (closedReason !== null) return readError('NOT_COLLECTED', name, `NOT_COLLECTED: ${name} was not asked of the target (${closedReason})`);
    wanted.set(key, q);
    return readError('PENDING', name, `PENDING: ${name} is being asked of the target`);
  };

  const takeWanted = () => {
    const list = [...wanted.values()];
    wanted = new Map();
    return list;
  };

  /** Files the answers of one round into the cache; returns the lines that are not answers
   *  to questions (the native plan's answers). */
  const file = (asked: Question[], round: Round): Record<string, unknown>[] => {
    const byId = new Map<string, Question>(asked.map((q, i) => [`q${i}`, q]));
    const rest: Record<string, unknown>[] = [];
    for (const line of round.answers) {
      const q = typeof line.id === 'string' && typeof line.req === 'string' && QUESTION_KINDS.has(line.req) ? byId.get(line.id) : undefined;
      if (!q) {
        rest.push(line);
        continue;
      }
      byId.delete(line.id as string); // a second answer to the same question is ignored
      cache.set(questionKey(q), decodeAnswer(q, line));
    }
    for (const q of byId.values()) {
      const name = questionName(q);
      cache.set(questionKey(q), round.broken
        ? readError('CHANNEL', name, `CHANNEL: no answer for ${name}: ${round.broken}`)
        : readError('NO_ANSWER', name, `NO_ANSWER: the helper did not answer for ${name}`));
    }
    return rest;
  };

  const lines = (asked: Question[]) => asked.map((q, i) => questionLine(`q${i}`, q));

  const host: RemoteHost = {
    root: `via:${opts.label}`,
    live: false,
    readFile(path, encoding) {
      const r = ask({ kind: 'read', path });
      if (!r.ok) return r;
      return { ok: true, value: encoding === 'latin1' ? (r.value as string) : fromBytes(r.value as string) };
    },
    readDir: (path) => ask({ kind: 'list', path }) as Read<string[]>,
    readLink: (path) => ask({ kind: 'link', path }) as Read<string>,
    stat: (path) => ask({ kind: 'stat', path }) as Read<StatInfo>,
    env(name) {
      const r = ask({ kind: 'env', name });
      return r.ok && typeof r.value === 'string' ? r.value : undefined;
    },
    envError(name) {
      const r = ask({ kind: 'env', name });
      return r.ok ? null : r.error;
    },
    uname(): Uname {
      const r = ask({ kind: 'uname' });
      return r.ok ? (r.value as Uname) : { release: '', version: '', machine: '' };
    },
    async runHelper(first, opts) {
      const plan = opts?.more ? [...first, ...(await opts.more)] : first; // answered whole, from the rounds
      if (native && sameLines(plan, native.plan)) return native.answer;
      return readError('NOT_COLLECTED', 'sbx-helper', `NOT_COLLECTED: the helper session in the target has ended${closedReason ? ` (${closedReason})` : ''}`);
    },
    collection: () => collection,

    async prefetch(pass) {
      // before anything is known: what the probes ask first
      pass(host);
      let asked = takeWanted();
      const connected = await RemoteSession.connect({ ...opts, firstRound: lines(asked) });
      if ('error' in connected) {
        closedReason = connected.error;
        return { ok: false, error: connected.error };
      }
      const { session, first } = connected;
      file(asked, first);
      let broken = first.broken;
      let nativeRound: { plan: string[]; round: Round; startedAt: number; endedAt: number } | null = null;
      for (let round = 0; round < MAX_ROUNDS && !broken; round++) {
        const plan = pass(host);
        asked = takeWanted();
        const sendPlan: string[] | null = plan && (!nativeRound || !sameLines(plan, nativeRound.plan)) ? plan : null;
        if (!asked.length && !sendPlan) break;
        const startedAt = performance.now();
        const r = await session.ask([...lines(asked), ...(sendPlan ?? [])]);
        const rest = file(asked, r);
        if (sendPlan) nativeRound = { plan: sendPlan, round: { ...r, answers: rest }, startedAt, endedAt: performance.now() };
        broken = r.broken;
      }
      closedReason = broken ?? (wanted.size ? `still asking after ${MAX_ROUNDS + 1} rounds` : 'collection is over');
      const exit = await session.close();
      if (nativeRound) {
        const r = nativeRound.round;
        native = {
          plan: nativeRound.plan,
          answer: {
            ok: true,
            value: {
              lines: r.answers,
              garbage: [],
              garbageCount: r.garbage,
              exit: exit ?? { code: null, signal: null },
              timedOut: r.broken !== null && /timed out/.test(r.broken),
              elapsedMs: nativeRound.endedAt - nativeRound.startedAt,
            },
          },
        };
      }
      collection = {
        method: 'remote',
        channel: opts.label,
        helper: { arch: session.hello.arch, how: session.how, removedOwnCopy: session.hello.removedOwnCopy },
        ...session.stats,
        ...(broken ? { broken } : {}),
      };
      return { ok: true };
    },
  };
  return host;
}

function remapSelf(q: Question, pid: number): Question {
  if (q.kind === 'env' || q.kind === 'uname' || !(q.path === '/proc/self' || q.path.startsWith('/proc/self/'))) return q;
  return { ...q, path: `/proc/${pid}${q.path.slice('/proc/self'.length)}` };
}

/**
 * `--via "CMD ARGS…"` as the CLI commands take it: split the string, connect, and run `pass` in
 * rounds. A string that does not split is a usage error; a target that cannot be reached (or
 * cannot run the helper) is `unreachable`, with the reason.
 */
export async function collectVia(
  text: string, opts: { helperPath?: string; timeoutMs: number }, pass: Pass,
): Promise<{ host: RemoteHost } | { usage: string } | { unreachable: string }> {
  const via = splitCommand(text);
  if ('error' in via) return { usage: `--via "${text}": ${via.error}` };
  const host = createRemoteHost({ via, label: text, ...opts });
  const collected = await host.prefetch(pass);
  return collected.ok ? { host } : { unreachable: `cannot collect through --via "${text}": ${collected.error}` };
}

function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
