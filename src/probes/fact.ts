// A fact is either known (with the path or probe it came from) or unknown with the reason.
// Probes return facts and never throw; the report keeps every unknown with its reason.
import type { Read, ReadError } from '../readers/host.js';

export type Fact<T> =
  | { known: true; value: T; source: string }
  | { known: false; reason: string; source: string };

export const known = <T>(value: T, source: string): Fact<T> => ({ known: true, value, source });
export const unknown = <T = never>(reason: string, source: string): Fact<T> => ({ known: false, reason, source });

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

