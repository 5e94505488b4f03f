// The command lines of the pod check (`sbx-detect`) and of `sbx-detect node`: each one table of
// options, read two ways. yargs gives the help, the version and every usage error; but building
// a yargs instance costs ~28 ms of a ~100 ms run, so a plain invocation is first read by
// yargs-parser (yargs's own parsing engine, ~1 ms) with the same table, and anything unusual —
// --help, --version, an unknown option, a bad value — goes to yargs, which then answers exactly
// as it always would. (kubectl sbx follows kubectl's conventions instead: kubectl/args.ts.)
import yargsParser from 'yargs-parser';
import { describeExpectationKeys } from './classifier/expectations.js';
import { SANDBOX_IDS } from './classifier/node-requirements.js';
import { PSS_LEVELS } from './classifier/pss.js';

type OptionSpec =
  | { type: 'boolean'; default: boolean; describe: string }
  | { type: 'number'; default: number; describe: string }
  | { type: 'string'; describe: string; alias?: string; choices?: readonly string[]; requiresArg?: boolean; repeatable?: true };

/** One command line: its options, the words it takes, the pairs that exclude each other. */
export interface CommandLine<A> {
  name: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** positional words it takes (one at most): subcommands */
  commands: readonly { name: string; describe: string }[];
  conflicts: readonly (readonly [string, string])[];
  normalize(a: Record<string, unknown>): A;
}

// options both commands take, described once
const SHARED = {
  json: { type: 'boolean', default: false, describe: 'print one JSON document instead of tables' },
  root: { type: 'string', describe: 'read a snapshot directory laid out like / instead of the live system' },
  via: { type: 'string', requiresArg: true, describe: 'collect inside another place through a command that runs a program there with stdin and stdout attached, e.g. "docker exec -i C" or "kubectl exec -i -n NS POD --"; only the static helper enters it' },
  'helper-path': { type: 'string', requiresArg: true, describe: 'with --via: a helper already inside the target (nothing is uploaded, no shell needed)' },
  helper: { type: 'boolean', default: true, describe: 'run the native helper at all (--no-helper: files only)' },
  explain: { type: 'boolean', default: false, describe: 'every table, with every signal considered and its weight' },
  full: { type: 'boolean', default: false, describe: 'every table (the default is one screen: the verdict, what isolates the process, the findings)' },
  junit: { type: 'string', requiresArg: true, describe: 'also write each check (--expect, --pss, --declared) as a JUnit XML test case to FILE' },
  timeout: { type: 'number', default: 30, describe: 'seconds the native helper may run in total' },
} as const satisfies Record<string, OptionSpec>;

export const OPTIONS = {
  json: SHARED.json,
  o: { type: 'string', alias: 'output', describe: 'snapshot: the archive to write' },
  root: SHARED.root,
  replay: { type: 'string', describe: 'reproduce the report from a snapshot archive' },
  via: SHARED.via,
  'helper-path': SHARED['helper-path'],
  syscalls: { type: 'boolean', default: true, describe: 'run the syscall scan (--no-syscalls skips it)' },
  helper: SHARED.helper,
  explain: SHARED.explain,
  full: SHARED.full,
  junit: SHARED.junit,
  timeout: SHARED.timeout,
  // repeated flags collect into an array; not `array: true`, so a flag never swallows what follows
  expect: { type: 'string', requiresArg: true, repeatable: true, describe: 'KEY=VALUE that must hold (repeatable); exit 1 if one fails, 3 if one cannot be decided' },
  pss: { type: 'string', choices: PSS_LEVELS, describe: 'check the Kubernetes Pod Security Standard from inside (exit 1 fail, 3 undetermined)' },
  declared: { type: 'string', requiresArg: true, describe: 'a pod\'s JSON (kubectl get pod POD -o json; or a List with the Pod and its RuntimeClass): hold what its spec declares against this report (exit 1 mismatch, 3 undetermined)' },
  'workload-pid': { type: 'number', default: 1, describe: 'the workload\'s process, whose confinement the verdicts describe (default PID 1 of this pid namespace); the tool itself is only the probe' },
} as const satisfies Record<string, OptionSpec>;

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
  full: boolean;
  junit?: string;
  timeout: number;
  expect: string[];
  pss?: string;
  declared?: string;
  workloadPid: number;
  /** --workload-pid was given: the caller named the workload */
  workloadGiven: boolean;
}

const list = (v: unknown) => (v === undefined ? [] : ([] as unknown[]).concat(v).map(String));

export const POD_COMMAND: CommandLine<CliArgs> = {
  name: 'sbx-detect',
  usage: '$0 [options]\n\nTells, from inside a container or pod, what isolates it, with the evidence.',
  options: OPTIONS,
  commands: [{ name: 'snapshot', describe: 'write every input the tool reads to an archive, for bug reports (-o FILE, - for stdout); with a FILE the report of the same run is printed too' }],
  conflicts: [['root', 'replay'], ['via', 'root'], ['via', 'replay']],
  normalize: (a) => ({
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
    full: a.full === true || a.explain === true,
    junit: a.junit as string | undefined,
    timeout: a.timeout as number,
    expect: list(a.expect),
    pss: a.pss as string | undefined,
    declared: a.declared as string | undefined,
    workloadPid: a['workload-pid'] as number,
    workloadGiven: a.workloadGiven === true,
  }),
};

export interface NodeArgs {
  json: boolean;
  explain: boolean;
  junit?: string;
  helper: boolean;
  root?: string;
  via?: string;
  helperPath?: string;
  timeout: number;
  expect: string[];
}

export const NODE_COMMAND: CommandLine<NodeArgs> = {
  name: 'sbx-detect node',
  usage: `$0 [options]

Can this host run gVisor, Kata and Sysbox pods, and is it set up for them? Checks, read-only, for
${SANDBOX_IDS.join(', ')}: the binaries, runsc's version against the cgroup mode, CPU flags, kernel
modules (loaded and persisted), /dev/kvm (KVM_GET_API_VERSION, KVM_CHECK_EXTENSION only),
/dev/vhost-vsock, the runsc and Kata configurations, and the handlers registered in containerd, K3s,
Docker and CRI-O. Prints what is missing and the command that fixes it.

Exit: 0 report (every --expect holds), 1 an --expect fails, 2 usage, 3 an --expect undetermined,
4 internal error, 5 --via could not reach the node.`,
  options: {
    json: { ...SHARED.json, describe: 'one JSON document (schema/node-report.schema.json)' },
    explain: { ...SHARED.explain, describe: 'every item, with its upstream reference' },
    junit: { ...SHARED.junit, describe: 'also write each --expect as a JUnit XML test case to FILE' },
    expect: { type: 'string', requiresArg: true, repeatable: true, describe: `--expect ready=ID (ID: ${SANDBOX_IDS.join(', ')}), or --expect handler=NAME: a runtime registered under NAME whose program exists (repeatable)` },
    root: { ...SHARED.root, describe: 'read a node mounted elsewhere (a snapshot directory, or /host inside kubectl debug node/NAME); /dev/kvm is then not asked' },
    helper: { ...SHARED.helper, describe: 'ask /dev/kvm through the helper (--no-helper: files only)' },
    via: { ...SHARED.via, describe: 'check another node through a command that runs a program there with stdin and stdout attached (e.g. "ssh node1", "nsenter -t 1 -a"); only the static helper enters it, as for the pod check' },
    'helper-path': { ...SHARED['helper-path'], describe: 'with --via: a helper already on that node' },
    timeout: { ...SHARED.timeout, describe: 'seconds for the /dev/kvm child' },
  },
  commands: [],
  conflicts: [['via', 'root']],
  normalize: (a) => ({
    json: a.json === true,
    explain: a.explain === true,
    junit: a.junit as string | undefined,
    helper: a.helper !== false,
    root: a.root as string | undefined,
    via: a.via as string | undefined,
    helperPath: a['helper-path'] as string | undefined,
    timeout: a.timeout as number,
    expect: list(a.expect),
  }),
};

export type ParsedCli<A> = { kind: 'args'; args: A } | { kind: 'done' } | { kind: 'usage'; message: string };

const entriesOf = (c: CommandLine<unknown>) => Object.entries(c.options) as [string, OptionSpec][];
const names = (c: CommandLine<unknown>, t: OptionSpec['type']) => entriesOf(c).filter(([, o]) => o.type === t).map(([n]) => n);
const aliases = (c: CommandLine<unknown>) => Object.fromEntries(entriesOf(c).flatMap(([n, o]) => ('alias' in o && o.alias ? [[n, [o.alias]]] : [])));
const defaults = (c: CommandLine<unknown>) => Object.fromEntries(entriesOf(c).filter(([, o]) => 'default' in o).map(([n, o]) => [n, (o as { default: unknown }).default]));
/** was the option given on the command line, not just defaulted? (yargs-parser and yargs both
 *  fill defaults in) */
const given = (argv: string[], name: string) => argv.some((w) => w === `--${name}` || w.startsWith(`--${name}=`));

/** The fast reading; null whenever yargs should have the last word. */
export function parseFast<A = CliArgs>(argv: string[], cmd: CommandLine<A> = POD_COMMAND as unknown as CommandLine<A>): A | null {
  const r = yargsParser.detailed(argv, {
    boolean: names(cmd, 'boolean'),
    string: names(cmd, 'string'),
    number: names(cmd, 'number'),
    alias: aliases(cmd),
    default: defaults(cmd),
  });
  if (r.error) return null;
  const a = r.argv as Record<string, unknown>;
  // yargs-parser also gives each dashed option in camelCase (helper-path -> helperPath)
  const camel = (n: string) => n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const known = new Set<string>(['_', '$0', ...Object.values(aliases(cmd)).flat(), ...entriesOf(cmd).flatMap(([n]) => [n, camel(n)])]);
  if (Object.keys(a).some((k) => !known.has(k))) return null; // --help, --version, a typo: yargs says
  const positional = a._ as unknown[];
  if (positional.length > 1 || (positional.length === 1 && !cmd.commands.some((c) => c.name === positional[0]))) return null;
  for (const [n, o] of entriesOf(cmd)) {
    const v = a[n];
    if (o.type === 'string' && v !== undefined) {
      const values = ([] as unknown[]).concat(v);
      if ((!o.repeatable && values.length > 1) || values.some((x) => typeof x !== 'string' || (o.requiresArg && x === ''))) return null;
      if (o.choices && !values.every((x) => o.choices!.includes(x as string))) return null;
    }
    if (o.type === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) return null;
  }
  if (cmd.conflicts.some(([x, y]) => a[x] !== undefined && a[y] !== undefined)) return null;
  return cmd.normalize({ ...a, workloadGiven: given(argv, 'workload-pid') });
}

/** The full reading: help, version and usage errors, from the same table. */
export async function parseWithYargs<A = CliArgs>(argv: string[], version: string, cmd: CommandLine<A> = POD_COMMAND as unknown as CommandLine<A>): Promise<ParsedCli<A>> {
  const { default: yargs } = await import('yargs');
  let usageError: string | null = null;
  let y = yargs(argv).scriptName(cmd.name).usage(cmd.usage);
  if (cmd.commands.length) {
    y = y.command('$0', 'print the report (tables, or JSON with --json)');
    for (const c of cmd.commands) y = y.command(c.name, c.describe);
  }
  for (const [n, o] of entriesOf(cmd)) {
    const describe = n === 'expect' && cmd === (POD_COMMAND as unknown) ? `${o.describe}. Keys:\n  ${describeExpectationKeys().join('\n  ')}` : o.describe;
    const { repeatable: _r, ...opt } = o as OptionSpec & { repeatable?: true };
    y = y.option(n, { ...opt, describe, ...('choices' in o && o.choices ? { choices: [...o.choices] } : {}) });
  }
  for (const [a, b] of cmd.conflicts) y = y.conflicts(a, b);
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
  return { kind: 'args', args: cmd.normalize({ ...(parsed as Record<string, unknown>), workloadGiven: given(argv, 'workload-pid') }) };
}

export async function parseCli<A = CliArgs>(argv: string[], version: string, cmd: CommandLine<A> = POD_COMMAND as unknown as CommandLine<A>): Promise<ParsedCli<A>> {
  const fast = parseFast(argv, cmd);
  const parsed: ParsedCli<A> = fast ? { kind: 'args', args: fast } : await parseWithYargs(argv, version, cmd);
  const problem = parsed.kind === 'args' ? sharedProblem(parsed.args as Partial<SharedArgs>, argv) : null;
  return problem ? { kind: 'usage', message: problem } : parsed;
}

interface SharedArgs { via?: string; helperPath?: string; timeout: number }

/** What no command takes, whatever the parser let through: a helper path without --via, a
 *  timeout that is not a positive number of seconds. */
function sharedProblem(a: Partial<SharedArgs>, argv: string[]): string | null {
  if (a.helperPath && !a.via) return '--helper-path applies to --via only';
  if (!(typeof a.timeout === 'number' && a.timeout > 0)) return `--timeout needs a positive number of seconds, not "${argv[argv.indexOf('--timeout') + 1] ?? ''}"`;
  return null;
}
