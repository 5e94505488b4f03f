// Checks untrusted JSON (a snapshot archive, a snapshot directory's manifest) against one of the
// schemas generated from our own types (scripts/gen-schema.mjs), before anything reads it.
//
// Why not ajv: ajv compiles code at start-up (~30 ms and ~1 MiB of bundle); this walks the small
// subset of JSON Schema that ts-json-schema-generator emits for those types, and says where the
// input is wrong as a JSON path ($.files["/proc/self/status"].value: expected a string). The
// tests check it agrees with ajv on every fuzzed archive (test/faults/archive-fuzz.test.ts).
// A keyword it does not know is a bug here, not in the input: it throws, and the tests that
// check every real capture fail.

export type JsonSchema = { [keyword: string]: unknown };

export interface SchemaViolation {
  /** where, as a JSON path: $.uname.release, $.files["/proc/self/status"].value */
  path: string;
  /** what should have been there, or what is wrong: "expected a string", "unexpected key" */
  problem: string;
}

/** Keywords that only describe. */
const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$defs']);
const KNOWN = new Set([...ANNOTATIONS, 'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'anyOf', '$ref']);

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_KEY_IN_PATH = 80;

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENT.test(key) && key.length <= MAX_KEY_IN_PATH) return `${path}.${key}`;
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key;
  return `${path}[${JSON.stringify(shown)}]`;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'boolean': return typeof v === 'boolean';
    case 'null': return v === null;
    case 'object': return isObject(v);
    case 'array': return Array.isArray(v);
    default: throw new Error(`schema-check: unsupported type "${type}"`);
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', number: 'a number', integer: 'an integer', boolean: 'true or false', null: 'null', object: 'an object', array: 'an array',
};

/** What a value of a schema looks like, in a few words, for the message. */
function describe(schema: JsonSchema, root: JsonSchema, depth = 0): string {
  const s = resolve(schema, root);
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if (Array.isArray(s.anyOf)) return depth > 1 ? 'one of several forms' : s.anyOf.map((b) => describe(b as JsonSchema, root, depth + 1)).join(' or ');
  if (s.type === 'object' && Array.isArray(s.required) && s.required.length && depth > 0) {
    return `an object with ${s.required.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  if (Array.isArray(s.type)) return s.type.map((t) => TYPE_WORDS[t as string] ?? String(t)).join(' or ');
  if (typeof s.type === 'string') {
    if (s.type === 'array' && s.items && typeof s.items === 'object' && depth === 0) return `an array of ${plural(describe(s.items as JsonSchema, root, depth + 1))}`;
    return TYPE_WORDS[s.type] ?? s.type;
  }
  return 'any value';
}

const plural = (words: string) => words.replace(/^an? (\w+)/, '$1s').replace(/ or an? (\w+)/g, ' or $1s');

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; typeof s.$ref === 'string'; hops++) {
    const m = /^#\/\$defs\/([^/]+)$/.exec(s.$ref);
    const defs = root.$defs as Record<string, JsonSchema> | undefined;
    if (!m || !defs?.[m[1]] || hops > 32) throw new Error(`schema-check: cannot resolve $ref ${s.$ref}`);
    s = defs[m[1]];
  }
  return s;
}

/** A path built as the walk goes down, and spelt out only for a violation. */
type Where = { up: Where; key: string | number } | null;
const spell = (w: Where): string => (w ? childPath(spell(w.up), w.key) : '$');

/** Schemas whose keywords were all seen to be known: checked once, not at every value. */
const vetted = new WeakSet<JsonSchema>();

/**
 * The places where `value` breaks `schema`, at most `limit` of them (0: conforms). Walks the
 * value once; values the schema leaves unconstrained ({}) are not descended into, so a deeply
 * nested one costs nothing here.
 */
export function schemaViolations(value: unknown, schema: JsonSchema, limit = 10): SchemaViolation[] {
  return walk(value, schema, schema, null, limit).map((v) => ({ path: spell(v.where), problem: v.problem }));
}

function walk(value: unknown, top: JsonSchema, root: JsonSchema, at: Where, limit: number): { where: Where; problem: string }[] {
  const out: { where: Where; problem: string }[] = [];
  const report = (where: Where, problem: string) => {
    if (out.length < limit) out.push({ where, problem });
  };

  const check = (v: unknown, s0: JsonSchema, where: Where): void => {
    if (out.length >= limit) return;
    if (!vetted.has(s0)) {
      for (const k of Object.keys(s0)) if (!KNOWN.has(k)) throw new Error(`schema-check: unsupported keyword "${k}" at ${spell(where)}`);
      vetted.add(s0);
    }
    const s = resolve(s0, root);
    if (s !== s0) return check(v, s, where);

    if (Array.isArray(s.anyOf)) {
      const branches = s.anyOf as JsonSchema[];
      if (branches.some((b) => walk(v, b, root, where, 1).length === 0)) return;
      // name the branch the value was evidently meant to be — the only one of its JSON type, or
      // the only object form whose required keys are all there — so the message says what is
      // wrong inside it rather than listing every form
      const sameType = branches.filter((b) => {
        const t = resolve(b, root).type;
        return t === undefined || (Array.isArray(t) ? t : [t]).some((x) => typeOk(x as string, v));
      });
      const meant = sameType.length === 1 ? sameType : isObject(v) ? sameType.filter((b) => {
        const r = resolve(b, root);
        return Array.isArray(r.required) && r.required.length > 0 && r.required.every((k) => Object.hasOwn(v, k as string));
      }) : [];
      if (meant.length === 1) return check(v, meant[0], where);
      return report(where, `expected ${describe(s, root)}`);
    }

    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeOk(t, v))) return report(where, `expected ${describe(s, root)}`);
    }
    if ('const' in s && v !== s.const) return report(where, `expected ${JSON.stringify(s.const)}`);
    if (Array.isArray(s.enum) && !s.enum.includes(v)) return report(where, `expected ${describe(s, root)}`);

    if (isObject(v)) {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      for (const k of (s.required ?? []) as string[]) {
        if (!Object.hasOwn(v, k)) report({ up: where, key: k }, `missing (expected ${describe(props[k] ?? {}, root)})`);
      }
      const extra = s.additionalProperties;
      const extraSchema = extra && typeof extra === 'object' && Object.keys(extra).length ? (extra as JsonSchema) : null;
      for (const k in v) {
        if (out.length >= limit) return;
        if (!Object.hasOwn(v, k)) continue;
        if (Object.hasOwn(props, k)) check(v[k], props[k], { up: where, key: k });
        else if (extra === false) report({ up: where, key: k }, 'unexpected key');
        else if (extraSchema) check(v[k], extraSchema, { up: where, key: k });
      }
    }
    if (Array.isArray(v) && s.items && typeof s.items === 'object' && Object.keys(s.items).length) {
      for (let i = 0; i < v.length && out.length < limit; i++) check(v[i], s.items as JsonSchema, { up: where, key: i });
    }
  };

  check(value, top, at);
  return out;
}

/** One line per violation, for a usage error. */
export function formatViolations(violations: SchemaViolation[], limit: number): string {
  const lines = violations.slice(0, limit).map((v) => `  ${v.path}: ${v.problem}`);
  if (violations.length > limit) lines.push('  … and more');
  return lines.join('\n');
}
