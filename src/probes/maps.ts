// Our own address space (/proc/self/maps): gVisor's systrap platform maps a "[usertrap]" area,
// and each platform puts the stack top in a different place (signals.md §2.2).
import type { Host } from '../readers/host.js';
import { type Fact, invalid, parseRead } from './fact.js';

export interface MapsFacts {
  usertrap: boolean;
  /** hex end address of [stack] */
  stackTop: string | null;
  /** highest mapped end address */
  highestEnd: string | null;
  vsyscallPerms: string | null;
}

export function parseMaps(text: string): MapsFacts | ReturnType<typeof invalid> {
  let usertrap = false, stackTop: string | null = null, highest = 0n, vsyscallPerms: string | null = null, any = false;
  for (const l of text.split('\n')) {
    // s flag: a file name may hold \r or U+2028; without it the pattern also backtracks quadratically
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+ ?(.*)$/s.exec(l);
    if (!m) continue;
    any = true;
    const end = BigInt('0x' + m[2]);
    const name = m[4].trim();
    if (name === '[usertrap]') usertrap = true;
    if (name === '[stack]') stackTop = '0x' + m[2];
    if (name === '[vsyscall]') vsyscallPerms = m[3];
    else if (end > highest) highest = end;
  }
  if (!any) return invalid('no mapping lines');
  return { usertrap, stackTop, highestEnd: highest ? '0x' + highest.toString(16) : null, vsyscallPerms };
}

export function probeMaps(host: Host): Fact<MapsFacts> {
  return parseRead(host.readFile('/proc/self/maps'), '/proc/self/maps', parseMaps);
}
