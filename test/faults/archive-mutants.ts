// The mutation engine and the per-run check of the archive fuzz test (archive-fuzz.test.ts),
// shared by the test itself and the worker threads it runs them in (archive-fuzz-worker.ts).
// No vitest here: a worker is plain Node, so a violated rule is an Error with the run's seed,
// its mutations and its options.
import Ajv2020 from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkExpectations, type Expectation, parseExpectation } from '../../src/classifier/expectations.js';
import { checkPodSecurity } from '../../src/classifier/pss.js';
import { classify } from '../../src/classifier/verdict.js';
import { gatherFacts } from '../../src/probes/index.js';
import { createReplayHost, parseArchive } from '../../src/readers/archive.js';
import { MAX_READ_BYTES } from '../../src/readers/host.js';
import { buildReport, renderJson } from '../../src/render/json.js';
import { makeStyle } from '../../src/render/style.js';
import { renderTable } from '../../src/render/table.js';

type Validate = ((v: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };

let CAPTURES: string[] = [];
let TEXTS: string[] = [];
let DOCS: Json[] = []; // shared and never changed: a run copies what it mutates (locate)
let ajvArchive: Validate;
let ajvReport: Validate;

/** Loads the real captures and compiles the two schemas (ajv: the reference the hand-written
 *  check in src/readers/schema-check.ts is held to). `project` is the repository root. */
export function init(project: string): string[] {
  if (CAPTURES.length) return CAPTURES;
  const dir = join(project, 'fixtures/captures');
  CAPTURES = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'INDEX.json').sort();
  TEXTS = CAPTURES.map((f) => readFileSync(join(dir, f), 'utf8'));
  DOCS = TEXTS.map((t) => JSON.parse(t) as Json);
  SITES = DOCS.map(sitesIn);
  const ajv = () => new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: false, strict: true, allowUnionTypes: true });
  ajvArchive = ajv().compile(JSON.parse(readFileSync(join(project, 'schema/snapshot.schema.json'), 'utf8')));
  ajvReport = ajv().compile(JSON.parse(readFileSync(join(project, 'schema/report.schema.json'), 'utf8')));
  return CAPTURES;
}

/** Run `run` of seed `seed` has its own generator: any one run replays alone (SBX_FUZZ_ONLY). */
export const rngFor = (seed: number, run: number) => new Rng((seed ^ Math.imul(run + 1, 0x9e3779b1)) >>> 0);

// ---------------------------------------------------------------- the seeded generator

/** mulberry32: small, fast, and the same sequence for the same seed everywhere */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  chance(p: number): boolean { return this.next() < p; }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Slot = { parent: Json[] | { [k: string]: Json }; key: string | number; path: string };
type Site = { keys: (string | number)[]; path: string; type: string };

const typeOf = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Every place in a pristine capture a value sits, with a path to name it by (found once). */
function sitesIn(root: Json): Site[] {
  const out: Site[] = [];
  const walk = (v: Json, keys: (string | number)[], path: string) => {
    const down = (c: Json, k: string | number) => {
      const p = typeof k === 'number' ? `${path}[${k}]` : `${path}.${k}`;
      out.push({ keys: [...keys, k], path: p, type: typeOf(c) });
      walk(c, [...keys, k], p);
    };
    if (Array.isArray(v)) v.forEach((c, i) => down(c, i));
    else if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) down(c, k);
  };
  walk(root, [], '$');
  return out;
}
let SITES: Site[][] = [];
const chosen = new Map<string, Site[]>();

/** The sites of one kind in capture `doc`, as it was before any mutation. */
function sites(doc: number, kind: string, wanted: (s: Site) => boolean): Site[] {
  const key = `${doc}:${kind}`;
  if (!chosen.has(key)) chosen.set(key, SITES[doc].filter(wanted));
  return chosen.get(key)!;
}

/** Where a site is in this run's document, or null when an earlier mutation took it away. The
 *  captures are shared by every run: the containers on the way down, and the value itself when
 *  it is one, are copied the first time a run reaches them (path copying, not a deep clone). */
function locate(root: Json, site: Site | undefined, copied: Set<object> | null): Slot | null {
  if (!site) return null;
  const own = (c: Json): Json => {
    if (!copied || !c || typeof c !== 'object' || copied.has(c)) return c;
    const copy = Array.isArray(c) ? [...c] : Object.defineProperties({}, Object.getOwnPropertyDescriptors(c));
    copied.add(copy);
    return copy;
  };
  let parent: Json = root;
  for (const k of site.keys) {
    if (!parent || typeof parent !== 'object' || !Object.hasOwn(parent, k)) return null;
    const child = own((parent as Record<string | number, Json>)[k]);
    if (k === site.keys.at(-1)) {
      if (copied) put(parent, k, child);
      return { parent: parent as Slot['parent'], key: k, path: site.path };
    }
    if (copied) put(parent, k, child);
    parent = child;
  }
  return null;
}

/** Sets a member as data, even one called "__proto__" (an assignment would set the prototype). */
function put(o: Json, k: string | number, v: Json) {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}

const get = (s: Slot): Json => (s.parent as Record<string | number, Json>)[s.key];
const set = (s: Slot, v: Json) => put(s.parent, s.key, v);

/** Raw JSON text spliced in after JSON.stringify: deep nesting, duplicate keys and numbers
 *  JSON.stringify cannot write (1e400), without building them as objects first. */
class Splices {
  private raw = new Map<string, string>();
  value(text: string): string {
    const mark = `\u0000raw${this.raw.size}\u0000`;
    this.raw.set(JSON.stringify(mark), text);
    return mark;
  }
  /** a member `"key": <text>` placed where the marker key sits */
  member(text: string): string {
    const mark = `\u0000member${this.raw.size}\u0000`;
    this.raw.set(`${JSON.stringify(mark)}:0`, text);
    return mark;
  }
  apply(json: string): string {
    let out = json;
    for (const [mark, text] of this.raw) out = out.split(mark).join(text).split(mark.replace(/:0$/, ': 0')).join(text);
    return out;
  }
}

const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'then', 'toJSON', 'length'];
const WEIRD_STRINGS = ['', ' ', '\u0000', '\n\n\n', '-1', 'NaN', '0x', '\ud800', '\udfff', 'é\u0301', '\u202e', '%s%n', '../../..', '/', 'null', '{}', '[', ':::'];
const WEIRD_NUMBERS = ['1e400', '-1e400', '123456789012345678901234567890', '-0', '0.5', '-1', '4294967296', '9007199254740993', '1e-400'];

function randomValue(rng: Rng, sp: Splices): Json {
  switch (rng.int(12)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, -1, 1, 0.5, 2 ** 53 + 2, -(2 ** 31), 1e308, Number.MAX_SAFE_INTEGER]);
    case 3: return sp.value(rng.pick(WEIRD_NUMBERS));
    case 4: return rng.pick(WEIRD_STRINGS);
    case 5: return [];
    case 6: return {};
    case 7: return [rng.pick(WEIRD_STRINGS), 1, null];
    case 8: { const o = {}; put(o, rng.pick(PROTO_KEYS), rng.pick(WEIRD_STRINGS)); return o; }
    case 9: return sp.value(deepText(rng));
    case 10: return { value: rng.pick(WEIRD_STRINGS) };
    default: return { error: rng.pick(['ENOENT', 'EACCES', '', 'TRUNCATED', '\u0000']) };
  }
}

function deepText(rng: Rng): string {
  // 100,000 deep costs ~25 ms to parse: now and then (the bundle test has one for sure)
  const depth = rng.chance(0.05) ? 100_000 : rng.pick([16, 64, 256, 1000, 10_000]);
  return rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Text edits a real file could suffer: lines lost, doubled, cut, garbage, numbers too large. */
function editText(rng: Rng, s: string): string {
  const lines = s.split('\n');
  switch (rng.int(9)) {
    case 0: lines.splice(rng.int(lines.length), 1); return lines.join('\n');
    case 1: { const i = rng.int(lines.length); lines.splice(i, 0, lines[i]); return lines.join('\n'); }
    case 2: return s.slice(0, rng.int(s.length + 1));
    case 3: { const i = rng.int(s.length + 1); return s.slice(0, i) + rng.pick(WEIRD_STRINGS) + s.slice(i); }
    case 4: return s.replace(/\d+/g, (d) => (rng.chance(0.2) ? rng.pick(['99999999999999999999999', '-1', '', '0x1f', '1e9']) : d));
    case 5: return s.replace(/[:\t ]/g, (c) => (rng.chance(0.3) ? '' : c));
    case 6: return lines.map((l) => (rng.chance(0.2) ? l.split('').reverse().join('') : l)).join('\n');
    case 7: return lines.reverse().join('\n');
    default: return s.toUpperCase();
  }
}

function hugeString(rng: Rng, like: string): string {
  // past the read cap now and then: it costs ~40 ms, and the bundle tests have one for sure
  const size = rng.chance(0.1) ? MAX_READ_BYTES + 1 : rng.pick([64 * 1024, 256 * 1024, 1 << 20]);
  const unit = like.length > 0 && rng.chance(0.6) ? like + '\n' : rng.pick(['x', '(', 'a b ', '0 0 0:0 / / rw - x x\n', '\\"', 'é']);
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** One mutation of the document (in place), named for the failure message. */
function mutateOnce(rng: Rng, d: number, doc: Json, copied: Set<object>, other: Json, sp: Splices): string {
  const pick = (kind: string, wanted: (s: Site) => boolean, type?: string) => {
    const slot = locate(doc, rng.pick(sites(d, kind, wanted)), copied);
    return slot && (!type || typeOf(get(slot)) === type) ? slot : null;
  };
  const op = rng.int(100);
  // content the schema lets through (what a live system could answer): the probes' problem
  if (op < 24) {
    const s = pick('text', (x) => x.type === 'string' && /^\$\.(files|binaryFiles|links|dirs|uname|env)\b/.test(x.path), 'string');
    if (!s) return 'nothing to edit';
    set(s, editText(rng, get(s) as string));
    return `edit text at ${s.path}`;
  }
  if (op < 40) {
    const s = pick('line field', (x) => /^\$\.helper\.value\.lines\[\d+\]\.[^.[]+$/.test(x.path));
    if (!s) return 'no helper line';
    set(s, randomValue(rng, sp));
    return `helper line field ${s.path} replaced`;
  }
  if (op < 44) {
    const s = pick('line', (x) => /^\$\.helper\.value\.lines\[\d+\]$/.test(x.path), 'object');
    if (!s) return 'no helper line';
    put(get(s), rng.pick(PROTO_KEYS), randomValue(rng, sp));
    return `prototype-named key in ${s.path}`;
  }
  if (op < 49) {
    const tables = ['files', 'binaryFiles', 'links', 'dirs', 'stat'] as const;
    const t = rng.pick(tables);
    const at = locate(doc, sites(d, `table ${t}`, (x) => x.path === `$.${t}`)[0], copied);
    const table = at && (get(at) as Record<string, Json>);
    if (!table || typeof table !== 'object') return 'no table';
    const keys = Object.keys(table);
    if (!keys.length) return 'empty table';
    const k = rng.pick(keys);
    if (rng.chance(0.5)) { delete table[k]; return `$.${t}[${JSON.stringify(k)}] removed (NOT_RECORDED)`; }
    table[k] = { error: rng.pick(['EACCES', 'ENOENT', 'EIO', 'TRUNCATED', 'NOT_CAPTURED', '']) };
    return `$.${t}[${JSON.stringify(k)}] made an error`;
  }
  if (op < 52) {
    const s = pick('number', (x) => x.type === 'number' && /^\$\.(stat|helper)/.test(x.path), 'number');
    if (!s) return 'no number';
    set(s, rng.chance(0.5) ? rng.pick([-1, 0, 0.5, 2 ** 53 + 2, 1e308, -1e308, 4294967295]) : sp.value(rng.pick(WEIRD_NUMBERS)));
    return `number at ${s.path}`;
  }
  if (op < 54) {
    const s = pick('string', (x) => x.type === 'string', 'string');
    if (!s) return 'no string';
    set(s, sp.value(JSON.stringify(hugeString(rng, get(s) as string))));
    return `huge string at ${s.path}`;
  }
  // structure: most of these break the schema and must be refused with the path named
  // mostly the archive's own structure, not the helper's lines (where anything goes)
  const s = rng.chance(0.8) ? pick('envelope', (x) => !/^\$\.helper\.value\.lines\[\d+\]\./.test(x.path)) : pick('any', () => true);
  if (!s) return 'nothing there any more';
  switch (rng.int(7)) {
    case 0:
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1); else delete s.parent[s.key as string];
      return `deleted ${s.path}`;
    case 1: set(s, randomValue(rng, sp)); return `type swapped at ${s.path}`;
    case 2: set(s, sp.value(deepText(rng))); return `deep nesting at ${s.path}`;
    case 3: {
      if (Array.isArray(s.parent)) { set(s, null); return `nulled ${s.path}`; }
      const v = get(s);
      delete s.parent[s.key as string];
      put(s.parent, rng.chance(0.5) ? `${s.key as string}x` : rng.pick(PROTO_KEYS), v);
      return `renamed ${s.path}`;
    }
    case 4: {
      // the same place in another capture, or the value of a neighbour
      const there = locate(other, SITES[d].find((x) => x.path === s.path), null);
      set(s, there ? structuredClone(get(there)) : randomValue(rng, sp)); // `other` is shared: cloned
      return `crossover at ${s.path}`;
    }
    case 5: {
      // a duplicate key in the JSON text, before or after the real one (the last one wins)
      if (Array.isArray(s.parent)) return 'array: no key to duplicate';
      const inner = new Splices();
      const dup = `${JSON.stringify(s.key)}:${inner.apply(JSON.stringify(randomValue(rng, inner)))}`;
      const mark = sp.member(dup);
      const entries = Object.entries(s.parent);
      for (const k of Object.keys(s.parent)) delete s.parent[k];
      if (rng.chance(0.5)) s.parent[mark] = 0;
      for (const [k, v] of entries) put(s.parent, k, v);
      if (!(mark in s.parent)) s.parent[mark] = 0;
      return `duplicate key ${s.path}`;
    }
    default: {
      const o = get(s);
      if (o && typeof o === 'object' && !Array.isArray(o)) { put(o, rng.pick(PROTO_KEYS), randomValue(rng, sp)); return `prototype-named key in ${s.path}`; }
      set(s, rng.pick(PROTO_KEYS));
      return `prototype name at ${s.path}`;
    }
  }
}

export interface Mutant { text: string; ops: string[] }

export function mutant(rng: Rng): Mutant {
  const i = rng.int(TEXTS.length);
  const doc = { ...(DOCS[i] as Record<string, Json>) };
  const copied = new Set<object>([doc]);
  const other = DOCS[rng.int(DOCS.length)];
  const sp = new Splices();
  const ops = [CAPTURES[i]];
  for (let n = 1 + rng.int(3); n > 0; n--) ops.push(mutateOnce(rng, i, doc, copied, other, sp));
  let text = sp.apply(rng.chance(0.3) ? JSON.stringify(doc, null, 1) : JSON.stringify(doc));
  // text-level faults: cut short, one character changed
  const t = rng.int(100);
  if (t < 4) { const at = rng.int(text.length); text = text.slice(0, at); ops.push(`text cut at ${at}`); }
  else if (t < 7) { const at = rng.int(text.length); text = text.slice(0, at) + rng.pick(['"', '}', ',', '\\', 'x', '\u0000']) + text.slice(at + 1); ops.push(`character ${at} changed`); }
  return { text, ops };
}

// ---------------------------------------------------------------- what every run must satisfy

const EXPECTATIONS: Expectation[] = ['sandbox=runc-class', 'caps=none', 'blocked=mount,ptrace', 'non-root=true', 'seccomp=filtering', 'kubernetes=false']
  .map((t) => { const p = parseExpectation(t); if (!p.ok) throw new Error(p.error); return p.expectation; });
const META = { version: 'fuzz', generatedAt: '2026-01-01T00:00:00.000Z', root: 'replay:fuzz' };
/** How a refusal starts: what kind of fault, and for a schema fault the JSON path */
export const REFUSAL = /^(not JSON \(|not an sbx-detect-snapshot archive \(\$\.format|archive version .* is not 1 \(\$\.version\)|not a valid sbx-detect-snapshot archive \(schema\/snapshot\.schema\.json\):\n {2}\$)/;

export type Outcome = 'report' | 'refused';
export type RunOptions = { syscalls: boolean; helper: boolean; table: boolean; json: boolean };

/** As the CLI would be run: the full scan, --no-syscalls or --no-helper; the scan whenever the
 *  helper's answer was mutated, so that its reading of the answer is what is tested. The table
 *  (~20 ms) in a few runs and the JSON text (~0.7 ms) in
 *  a quarter: the bundle runs print them every time. */
export function runOptions(rng: Rng, m: Mutant): RunOptions {
  const helperTouched = m.ops.some((op) => op.includes('$.helper'));
  const r = rng.int(4);
  return { syscalls: helperTouched || r === 0, helper: helperTouched || r !== 3, table: rng.chance(0.03), json: rng.chance(0.25) };
}

const fail = (what: string): never => { throw new Error(what); };

/** The CLI's replay path, in process: a report that follows the report schema, or a refusal
 *  that says what is wrong. Throws on anything else. */
export async function replayOnce(text: string, opts: RunOptions): Promise<Outcome> {
  const archive = parseArchive(text);
  if (typeof archive === 'string') {
    if (!REFUSAL.test(archive)) fail(`refusal without a kind or a path: ${archive.slice(0, 300)}`);
    // the hand-written check agrees with ajv on the generated schema
    if (archive.startsWith('not a valid') && ajvArchive(JSON.parse(text))) fail(`ajv accepts what schema-check refused: ${archive.slice(0, 300)}`);
    return 'refused';
  }
  if (!ajvArchive(archive)) fail(`schema-check accepted what ajv refuses: ${JSON.stringify(ajvArchive.errors?.slice(0, 3))}`);
  const facts = await gatherFacts(createReplayHost(archive, 'replay:fuzz'), { syscalls: opts.syscalls, helper: opts.helper });
  const verdict = classify(facts);
  const report = buildReport(facts, verdict, META);
  if (!ajvReport(report)) fail(`the report breaks schema/report.schema.json: ${JSON.stringify(ajvReport.errors?.slice(0, 3))}`);
  if (opts.json && !renderJson(report).startsWith('{')) fail('renderJson gave no document');
  checkExpectations(EXPECTATIONS, facts, verdict);
  checkPodSecurity('restricted', facts, verdict);
  if (opts.table) renderTable(facts, verdict, makeStyle(false), { explain: true });
  return 'report';
}

export interface BatchResult {
  runs: number;
  counts: Record<Outcome, number>;
  failures: string[];
  slowest: { ms: number; what: string };
  elapsedMs: number;
}

/** Runs `from` .. `to - 1` of seed `seed`; stops collecting after a few failures. */
export async function runBatch(b: { project: string; seed: number; from: number; to: number; maxRunMs: number }): Promise<BatchResult> {
  init(b.project);
  const started = performance.now();
  const out: BatchResult = { runs: 0, counts: { report: 0, refused: 0 }, failures: [], slowest: { ms: 0, what: '' }, elapsedMs: 0 };
  for (let run = b.from; run < b.to && out.failures.length < 5; run++) {
    const rng = rngFor(b.seed, run);
    const m = mutant(rng);
    const opts = runOptions(rng, m);
    const what = `SBX_FUZZ_SEED=${b.seed} SBX_FUZZ_ONLY=${run} [${m.ops.join('; ')}] ${JSON.stringify(opts)}`;
    const t0 = performance.now();
    try {
      out.counts[await replayOnce(m.text, opts)]++;
    } catch (err) {
      out.failures.push(`${what}: ${(err as Error)?.stack ?? String(err)}`);
    }
    const ms = performance.now() - t0;
    if (ms > out.slowest.ms) out.slowest = { ms, what };
    if (ms > b.maxRunMs) out.failures.push(`${what}: took ${ms.toFixed(0)} ms`);
    out.runs++;
  }
  out.elapsedMs = performance.now() - started;
  return out;
}
