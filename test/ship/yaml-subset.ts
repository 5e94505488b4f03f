// A tiny, strict parser for the YAML subset the manifests in deploy/ are written in, so that the
// tests need no YAML dependency. Anything outside the subset is an error, never a guess:
//   documents separated by `---`; `#` comments; block mappings (`key: value`, `key:` + block);
//   block sequences (`- scalar`, `- key: value` starting a mapping); flow sequences of scalars
//   (`["--json"]`, `[1, 2]`) and the empty `[]` / `{}`; scalars: "double" (JSON escapes),
//   'single', plain (true/false/null, integers, decimals, otherwise a string).
// Rejected: tabs, anchors/aliases/tags, block scalars (| >), multi-line scalars, flow mappings
// with content, duplicate keys, keys that are not plain words.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [k: string]: YamlValue };

interface Line { indent: number; text: string; no: number }

class YamlError extends Error {
  constructor(no: number, msg: string) {
    super(`line ${no}: ${msg}`);
  }
}

function stripComment(raw: string, no: number): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || raw[i - 1] === ' ')) return raw.slice(0, i).trimEnd();
  }
  if (quote) throw new YamlError(no, 'unterminated quoted scalar');
  return raw.trimEnd();
}

const KEY = /^([A-Za-z0-9][A-Za-z0-9_.\/-]*):(?: +(.*))?$/;

export function parseScalar(s: string, no: number): YamlValue {
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) throw new YamlError(no, `bad double-quoted scalar ${s}`);
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new YamlError(no, `bad double-quoted scalar ${s}`);
    }
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2 || /(^|[^'])'([^']|$)/.test(s.slice(1, -1))) throw new YamlError(no, `bad single-quoted scalar ${s}`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s === '[]') return [];
  if (s === '{}') return {};
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new YamlError(no, `bad flow sequence ${s}`);
    const items: YamlValue[] = [];
    const body = s.slice(1, -1);
    const re = /\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,"'\[\]{}]+?)\s*(,|$)/gy;
    let m: RegExpExecArray | null;
    let at = 0;
    while (at < body.length && (m = re.exec(body))) {
      items.push(parseScalar(m[1]!, no));
      at = re.lastIndex;
      if (m[2] === '') break;
    }
    if (at !== body.length) throw new YamlError(no, `unsupported flow sequence ${s}`);
    return items;
  }
  if (/^[&*!|>%@`{]/.test(s) || /: |\s#/.test(s) || s.startsWith('- ')) throw new YamlError(no, `unsupported scalar ${s}`);
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === 'null' || s === '~') return null;
  if (/^-?(0|[1-9][0-9]*)$/.test(s)) return Number(s);
  if (/^-?(0|[1-9][0-9]*)\.[0-9]+$/.test(s)) return Number(s);
  // YAML 1.1 would read these as booleans or octal: refuse rather than guess
  if (/^(yes|no|on|off|y|n|True|False|TRUE|FALSE|Yes|No|ON|OFF)$/.test(s) || /^0[0-9]+$/.test(s)) throw new YamlError(no, `ambiguous plain scalar ${s}: quote it`);
  return s;
}

function parseNode(lines: Line[], pos: number, indent: number): [YamlValue, number] {
  const line = lines[pos]!;
  if (line.indent !== indent) throw new YamlError(line.no, 'bad indentation');
  return line.text === '-' || line.text.startsWith('- ') ? parseSeq(lines, pos, indent) : parseMap(lines, pos, indent);
}

/** The value after `key:` with nothing on its line: a nested block, a same-indent sequence, or null. */
function parseBlockValue(lines: Line[], pos: number, indent: number): [YamlValue, number] {
  const next = lines[pos];
  if (next && next.indent > indent) return parseNode(lines, pos, next.indent);
  if (next && next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) return parseSeq(lines, pos, indent);
  return [null, pos];
}

function parseMap(lines: Line[], pos: number, indent: number): [YamlValue, number] {
  const obj: { [k: string]: YamlValue } = {};
  while (pos < lines.length && lines[pos]!.indent === indent && !(lines[pos]!.text === '-' || lines[pos]!.text.startsWith('- '))) {
    const line = lines[pos]!;
    const m = KEY.exec(line.text);
    if (!m) throw new YamlError(line.no, `expected "key: value", got ${line.text}`);
    const key = m[1]!;
    if (Object.prototype.hasOwnProperty.call(obj, key)) throw new YamlError(line.no, `duplicate key ${key}`);
    pos++;
    if (m[2] !== undefined && m[2] !== '') {
      obj[key] = parseScalar(m[2], line.no);
      if (pos < lines.length && lines[pos]!.indent > indent) throw new YamlError(lines[pos]!.no, 'unexpected indentation (multi-line scalars are not supported)');
    } else {
      [obj[key], pos] = parseBlockValue(lines, pos, indent);
    }
  }
  if (pos < lines.length && lines[pos]!.indent > indent) throw new YamlError(lines[pos]!.no, 'unexpected indentation');
  return [obj, pos];
}

function parseSeq(lines: Line[], pos: number, indent: number): [YamlValue, number] {
  const arr: YamlValue[] = [];
  while (pos < lines.length && lines[pos]!.indent === indent && (lines[pos]!.text === '-' || lines[pos]!.text.startsWith('- '))) {
    const line = lines[pos]!;
    const rest = line.text.slice(1).replace(/^ +/, '');
    if (rest === '') {
      pos++;
      const next = lines[pos];
      if (!next || next.indent <= indent) throw new YamlError(line.no, 'empty sequence item');
      const [v, p] = parseNode(lines, pos, next.indent);
      arr.push(v);
      pos = p;
    } else if (KEY.test(rest)) {
      // "- key: value": a mapping whose keys sit at the column of "key"
      const col = indent + (line.text.length - rest.length);
      const copy = lines.slice();
      copy[pos] = { indent: col, text: rest, no: line.no };
      const [v, p] = parseMap(copy, pos, col);
      arr.push(v);
      pos = p;
    } else {
      arr.push(parseScalar(rest, line.no));
      pos++;
    }
  }
  if (pos < lines.length && lines[pos]!.indent > indent) throw new YamlError(lines[pos]!.no, 'unexpected indentation');
  return [arr, pos];
}

/** Every document of a YAML stream (empty documents skipped). */
export function parseYamlDocuments(src: string): YamlValue[] {
  const docs: Line[][] = [[]];
  src.split('\n').forEach((raw, i) => {
    const no = i + 1;
    if (raw.includes('\t')) throw new YamlError(no, 'tab character');
    if (/^---\s*$/.test(raw)) return void docs.push([]);
    if (/^(\.\.\.|%)/.test(raw) || raw.startsWith('--- ')) throw new YamlError(no, `unsupported directive ${raw}`);
    const text = stripComment(raw, no);
    if (text.trim() === '') return;
    const indent = text.length - text.trimStart().length;
    docs[docs.length - 1]!.push({ indent, text: text.trimStart(), no });
  });
  const out: YamlValue[] = [];
  for (const lines of docs) {
    if (lines.length === 0) continue;
    const [v, pos] = parseNode(lines, 0, lines[0]!.indent);
    if (lines[0]!.indent !== 0) throw new YamlError(lines[0]!.no, 'a document must start at column 0');
    if (pos !== lines.length) throw new YamlError(lines[pos]!.no, 'unexpected content');
    out.push(v);
  }
  return out;
}
