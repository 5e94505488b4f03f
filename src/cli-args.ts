// The command line: one table of options, read two ways. yargs gives the help, the version and
// every usage error; but building a yargs instance costs ~28 ms of a ~100 ms run, so a plain
// invocation is first read by yargs-parser (yargs's own parsing engine, ~1 ms) with the same
// table, and anything unusual — --help, --version, an unknown option, a bad value — goes to
// yargs, which then answers exactly as it always would.
import yargsParser from 'yargs-parser';
import { describeExpectationKeys } from './classifier/expectations.js';
import { PSS_LEVELS } from './classifier/pss.js';

type OptionSpec =
  | { type: 'boolean'; default: boolean; describe: string }
  | { type: 'number'; default: number; describe: string }
  | { type: 'string'; describe: string; alias?: string; choices?: readonly string[]; requiresArg?: boolean };

export const OPTIONS = {
  json: { type: 'boolean', default: false, describe: 'print one JSON document instead of tables' },
  o: { type: 'string', alias: 'output', describe: 'snapshot: the archive to write' },
  root: { type: 'string', describe: 'read a snapshot directory laid out like / instead of the live system' },
  replay: { type: 'string', describe: 'reproduce the report from a snapshot archive' },
  via: { type: 'string', requiresArg: true, describe: 'collect inside another place through a command that runs a program there with stdin and stdout attached, e.g. "docker exec -i C" or "kubectl exec -i -n NS POD --"; only the static helper enters it' },
  'helper-path': { type: 'string', requiresArg: true, describe: 'with --via: a helper already inside the target (nothing is uploaded, no shell needed)' },
  syscalls: { type: 'boolean', default: true, describe: 'run the syscall scan (--no-syscalls skips it)' },
  helper: { type: 'boolean', default: true, describe: 'run the native helper at all (--no-helper: files only)' },
  explain: { type: 'boolean', default: false, describe: 'show every signal considered, with its weight' },
  timeout: { type: 'number', default: 30, describe: 'seconds the native helper may run in total' },
  // repeated flags collect into an array; not `array: true`, so a flag never swallows what follows
  expect: { type: 'string', requiresArg: true, describe: 'KEY=VALUE that must hold (repeatable); exit 1 if one fails, 3 if one cannot be decided' },
  pss: { type: 'string', choices: PSS_LEVELS, describe: 'check the Kubernetes Pod Security Standard from inside (exit 1 fail, 3 undetermined)' },
  declared: { type: 'string', requiresArg: true, describe: 'a pod\'s JSON (kubectl get pod POD -o json; or a List with the Pod and its RuntimeClass): hold what its spec declares against this report (exit 1 mismatch, 3 undetermined)' },
} as const satisfies Record<string, OptionSpec>;

const COMMANDS = ['snapshot'] as const;
const CONFLICTS: readonly [keyof typeof OPTIONS, keyof typeof OPTIONS][] = [['root', 'replay'], ['via', 'root'], ['via', 'replay']];

export interface CliArgs {
  command: 'report' | 'snapshot';
  json: boolean;
  o?: string;
  root?: string;
  replay?: string;
  via?: string;
  helperPath?: string;
  syscalls: boolean;
  helper: boolean;
  explain: boolean;
  timeout: number;
  expect: string[];
  pss?: string;
  declared?: string;
}

export type ParsedCli = { kind: 'args'; args: CliArgs } | { kind: 'done' } | { kind: 'usage'; message: string };

const entries = Object.entries(OPTIONS) as [keyof typeof OPTIONS, OptionSpec][];
const names = (t: OptionSpec['type']) => entries.filter(([, o]) => o.type === t).map(([n]) => n);

function normalize(a: Record<string, unknown>): CliArgs {
  const list = (v: unknown) => (v === undefined ? [] : ([] as unknown[]).concat(v).map(String));
  return {
    command: a._ && (a._ as unknown[])[0] === 'snapshot' ? 'snapshot' : 'report',
    json: a.json === true,
    o: a.o as string | undefined,
    root: a.root as string | undefined,
    replay: a.replay as string | undefined,
    via: a.via as string | undefined,
    helperPath: a['helper-path'] as string | undefined,
    syscalls: a.syscalls !== false,
    helper: a.helper !== false,
    explain: a.explain === true,
    timeout: a.timeout as number,
    expect: list(a.expect),
    pss: a.pss as string | undefined,
    declared: a.declared as string | undefined,
  };
}

/** The fast reading; null whenever yargs should have the last word. */
export function parseFast(argv: string[]): CliArgs | null {
  const r = yargsParser.detailed(argv, {
    boolean: names('boolean'),
    string: names('string'),
    number: names('number'),
    alias: { o: ['output'] },
    default: Object.fromEntries(entries.filter(([, o]) => 'default' in o).map(([n, o]) => [n, (o as { default: unknown }).default])),
  });
  if (r.error) return null;
  const a = r.argv as Record<string, unknown>;
  // yargs-parser also gives each dashed option in camelCase (helper-path -> helperPath)
  const camel = (n: string) => n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const known = new Set<string>(['_', '$0', 'output', ...entries.flatMap(([n]) => [n, camel(n)])]);
  if (Object.keys(a).some((k) => !known.has(k))) return null; // --help, --version, a typo: yargs says
  const positional = a._ as unknown[];
  if (positional.length > 1 || (positional.length === 1 && !COMMANDS.includes(positional[0] as 'snapshot'))) return null;
  for (const [n, o] of entries) {
    const v = a[n];
    if (o.type === 'string' && v !== undefined) {
      const values = ([] as unknown[]).concat(v);
      if ((n !== 'expect' && values.length > 1) || values.some((x) => typeof x !== 'string' || (o.requiresArg && x === ''))) return null;
      if (o.choices && !values.every((x) => o.choices!.includes(x as string))) return null;
    }
    if (o.type === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) return null;
  }
  if (CONFLICTS.some(([x, y]) => a[x] !== undefined && a[y] !== undefined)) return null;
  return normalize(a);
}

/** The full reading: help, version and usage errors, from the same table. */
export async function parseWithYargs(argv: string[], version: string): Promise<ParsedCli> {
  const { default: yargs } = await import('yargs');
  let usageError: string | null = null;
  let y = yargs(argv)
    .scriptName('sbx-detect')
    .usage('$0 [options]\n\nTells, from inside a container or pod, what isolates it, with the evidence.')
    .command('$0', 'print the report (tables, or JSON with --json)')
    .command('snapshot', 'write every input the tool reads to an archive, for bug reports (-o FILE, - for stdout); with a FILE the report of the same run is printed too');
  for (const [n, o] of entries) {
    const describe = n === 'expect' ? `${o.describe}. Keys:\n  ${describeExpectationKeys().join('\n  ')}` : o.describe;
    y = y.option(n, { ...o, describe, ...('choices' in o ? { choices: [...o.choices!] } : {}) });
  }
  for (const [a, b] of CONFLICTS) y = y.conflicts(a, b);
  const parsed = await y
    .strict()
    .version(version)
    .help()
    .exitProcess(false)
    .fail((msg, err) => {
      usageError = msg ?? err?.message ?? 'usage error';
    })
    .parseAsync();
  if (usageError) return { kind: 'usage', message: usageError };
  if (parsed.help || parsed.version) return { kind: 'done' }; // yargs printed them
  return { kind: 'args', args: normalize(parsed as Record<string, unknown>) };
}

export async function parseCli(argv: string[], version: string): Promise<ParsedCli> {
  const fast = parseFast(argv);
  return fast ? { kind: 'args', args: fast } : parseWithYargs(argv, version);
}
