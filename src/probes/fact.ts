// A fact is either known (with the path or probe it came from) or unknown with the reason.
// Probes return facts and never throw; the report keeps every unknown with its reason.
import type { Read, ReadError } from '../readers/host.js';

export type Fact<T> =
  | { known: true; value: T; source: string }
  | { known: false; reason: string; source: string };

export const known = <T>(value: T, source: string): Fact<T> => ({ known: true, value, source });
export const unknown = <T = never>(reason: string, source: string): Fact<T> => ({ known: false, reason, source });
/** The value of a known fact, else undefined. */
export const knownValue = <T>(f: Fact<T>): T | undefined => (f.known ? f.value : undefined);

export function fromReadError<T = never>(error: ReadError): Fact<T> {
  return unknown(error.message, error.path);
}

/** What a parser returns when the text is unusable: the reason, kept for the report. */
export class Invalid {
  constructor(readonly reason: string) {}
}
export const invalid = (reason: string) => new Invalid(reason);

/** Parses text that was read, turning a read failure or a parser exception into an unknown fact. */
export function parseRead<T>(read: Read<string>, source: string, parse: (text: string) => T | Invalid): Fact<T> {
  if (!read.ok) return fromReadError(read.error);
  try {
    const v = parse(read.value);
    return v instanceof Invalid ? unknown(`${source}: ${v.reason}`, source) : known(v, source);
  } catch (err) {
    return unknown(`${source}: unparseable (${(err as Error).message})`, source);
  }
}

/** A decimal integer that a JS number holds exactly, else null: the kernel prints u64s, and a
 *  rounded or infinite number would be a wrong fact rather than an unknown one. */
export function safeInt(text: string): number | null {
  if (!/^-?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

const BRIEF_DEPTH = 6;

/**
 * A value from untrusted JSON (a helper line, a recorded answer) as a short text for a reason or
 * a note: at most `max` characters (then "…"), strings as they are at the top and quoted inside.
 * Never throws, whatever the value holds: String() throws on an object whose toString is data,
 * and JSON.stringify overflows the stack on an array nested 100,000 deep.
 */
export function brief(v: unknown, max = 200): string {
  let out = '';
  const walk = (x: unknown, depth: number) => {
    if (out.length > max) return;
    if (x === null || typeof x !== 'object') {
      const s = typeof x === 'string' ? x.slice(0, max + 1) : String(x);
      out += depth === 0 || typeof x !== 'string' ? s : JSON.stringify(s);
      return;
    }
    const arr = Array.isArray(x);
    if (depth >= BRIEF_DEPTH) {
      out += arr ? '[…]' : '{…}';
      return;
    }
    if (arr) {
      out += '[';
      for (let i = 0; i < x.length && out.length <= max; i++) {
        if (i) out += ',';
        walk(x[i], depth + 1);
      }
      out += ']';
      return;
    }
    out += '{';
    let n = 0;
    for (const k in x) {
      if (!Object.hasOwn(x, k)) continue;
      if (out.length > max) break;
      if (n++) out += ',';
      out += `${JSON.stringify(k.slice(0, max + 1))}:`;
      walk((x as Record<string, unknown>)[k], depth + 1);
    }
    out += '}';
  };
  walk(v, 0);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
