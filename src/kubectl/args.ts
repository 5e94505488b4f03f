// The command line of `kubectl sbx` (bin/kubectl-sbx, or `sbx-detect kubectl …`). Read with
// yargs-parser, the same engine the main command line uses; the help text is written here.
import yargsParser from 'yargs-parser';
import { PSS_LEVELS } from '../classifier/pss.js';

export interface KubectlArgs {
  pod?: string;
  namespace?: string;
  container?: string;
  all: boolean;
  allNamespaces: boolean;
  selector?: string;
  parallel: number;
  json: boolean;
  explain: boolean;
  /** every table for one pod (the default is one screen) */
  full: boolean;
  /** --junit FILE: each pod's checks as a JUnit test suite */
  junit?: string;
  expect: string[];
  pss?: string;
  syscalls: boolean;
  timeout: number;
  helperPath?: string;
  debug: 'never' | 'fallback' | 'always';
  image: string;
  profile: string;
  /** --strict: a pod whose spec and report disagree fails (exit 1) */
  strict: boolean;
  /** --handler-map NAME=CLASS[/DETAIL], repeatable */
  handlerMap: string[];
  /** --context, --kubeconfig, --as: given to every kubectl call, in the user's order */
  kubectlFlags: string[];
}

export const HELP = `kubectl sbx: what isolates a pod, told from inside it, for one pod or a whole fleet.

  kubectl sbx POD [-n NS] [-c CONTAINER] [options]
  kubectl sbx --all [-n NS] | -A | -l SELECTOR [--parallel N] [options]

Only the 70 KiB static helper enters the pod (through kubectl exec -i, into a private
directory it removes itself); the probes and the classifier run here.

Pods
  -n, --namespace NS        the namespace (default: the context's)
  -c, --container NAME      the container (default: the default-container annotation, else the first)
      --all                 every running pod of the namespace
  -A, --all-namespaces      every running pod of the cluster
  -l, --selector SELECTOR   only pods with these labels (implies --all without a POD)
      --parallel N          pods collected at once (default 4)

Report
      --json                one JSON document per pod, one per line: the sbx-detect report
                            plus "pod" (namespace, name, container, node, via) and "exitCode"
      --full                every table (one pod; the default is one screen)
      --explain             every table, with every signal considered (one pod)
      --junit FILE          also write the checks as JUnit XML: one test suite per pod, each
                            --expect, --pss rule and declared field a test case
      --expect KEY=VALUE    must hold in every pod (repeatable; keys: sbx-detect --help)
      --pss LEVEL           Pod Security Standard for every pod: ${PSS_LEVELS.join(' or ')}
      --no-syscalls         skip the syscall scan
      --timeout SECONDS     how long the helper may take in each pod (default 30)
      --helper-path PATH    a helper already inside the container: nothing is uploaded

Declared ⇄ enforced (on by default: each pod's spec held against its report)
      --strict              exit 1 when any pod's sandbox or security context is not what its
                            spec declares (3 when a field could not be decided)
      --handler-map NAME=CLASS[/DETAIL]
                            the class a RuntimeClass handler runs, where its name does not say
                            (repeatable; e.g. my-sandbox=gvisor, vm-fast=kata/firecracker)

A container without a shell (an audit changes no pod unless asked)
                            by default such a pod is reported unreachable, with what --debug
                            would leave behind: an ephemeral container cannot be removed and
                            stays in the pod's spec until the pod is deleted
      --debug               collect such a pod through an ephemeral debug container
      --debug-always        collect every pod through one, even where kubectl exec works
      --image IMAGE         the debug container's image; it needs only sh (default busybox)
      --profile NAME        kubectl debug --profile (default general: it can read the
                            target's /proc/1; restricted cannot, those facts are then unknown)

kubectl
      --context, --kubeconfig, --as   passed to every kubectl call (KUBECONFIG is honoured)

Options after \`--\` are read as this command's own (the old plugin's \`POD -- --expect …\`).

Exit status: 0 every check holds in every pod; 1 a check (or, with --strict, the declared
⇄ enforced comparison) fails in a pod; 3 a check could not
be decided; 5 a pod could not be reached (the others are still reported); 2 usage error.
1 wins over 5, 5 over 4 (an internal error in one pod), 4 over 3.
`;

const STRINGS = ['namespace', 'container', 'selector', 'expect', 'handler-map', 'pss', 'helper-path', 'image', 'profile', 'context', 'kubeconfig', 'as', 'junit'];
const BOOLEANS = ['all', 'all-namespaces', 'json', 'explain', 'full', 'syscalls', 'debug', 'debug-always', 'strict', 'help'];
const NUMBERS = ['parallel', 'timeout'];
const ALIASES: Record<string, string[]> = { namespace: ['n'], container: ['c'], selector: ['l'], 'all-namespaces': ['A'], help: ['h'] };
const KUBECTL_FLAGS = ['context', 'kubeconfig', 'as'];

export type ParsedKubectl = { kind: 'args'; args: KubectlArgs } | { kind: 'help' } | { kind: 'usage'; message: string };

export function parseKubectlArgs(argv: string[]): ParsedKubectl {
  // the old plugin took sbx-detect's options after `--`: they are this command's own now
  const dd = argv.indexOf('--');
  const words = dd < 0 ? argv : [...argv.slice(0, dd), ...argv.slice(dd + 1)];
  const r = yargsParser.detailed(words, {
    string: STRINGS, boolean: BOOLEANS, number: NUMBERS, alias: ALIASES,
    default: { parallel: 4, timeout: 30, syscalls: true, json: false, explain: false, full: false, all: false, 'all-namespaces': false, strict: false },
    configuration: { 'camel-case-expansion': false, 'strip-aliased': true, 'boolean-negation': true },
  });
  if (r.error) return { kind: 'usage', message: r.error.message };
  const a = r.argv as Record<string, unknown>;
  if (a.help) return { kind: 'help' };
  const known = new Set(['_', ...STRINGS, ...BOOLEANS, ...NUMBERS]);
  const unknownOpt = Object.keys(a).find((k) => !known.has(k));
  if (unknownOpt) return { kind: 'usage', message: `unknown option ${unknownOpt.length === 1 ? '-' : '--'}${unknownOpt}` };
  const one = (n: string): string | undefined | { bad: string } => {
    const v = a[n];
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return { bad: `--${n} given more than once` };
    if (typeof v !== 'string' || v === '') return { bad: `--${n} needs a value` };
    return v;
  };
  const strs: Record<string, string | undefined> = {};
  for (const n of STRINGS.filter((s) => s !== 'expect' && s !== 'handler-map')) {
    const v = one(n);
    if (v && typeof v === 'object') return { kind: 'usage', message: v.bad };
    strs[n] = v;
  }
  const expect = a.expect === undefined ? [] : ([] as unknown[]).concat(a.expect).map(String);
  if (expect.some((e) => e === '')) return { kind: 'usage', message: '--expect needs KEY=VALUE' };
  const handlerMap = a['handler-map'] === undefined ? [] : ([] as unknown[]).concat(a['handler-map']).map(String);
  const positional = (a._ as unknown[]).map(String);
  if (positional.length > 1) return { kind: 'usage', message: `one pod at a time (or --all): got ${positional.join(' ')}` };
  for (const n of NUMBERS) {
    const v = a[n];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (n === 'parallel' && !Number.isInteger(v))) {
      return { kind: 'usage', message: `--${n} needs a positive ${n === 'parallel' ? 'whole number' : 'number of seconds'}` };
    }
  }
  if (strs.pss && !PSS_LEVELS.includes(strs.pss as never)) return { kind: 'usage', message: `--pss ${strs.pss}: one of ${PSS_LEVELS.join(', ')}` };
  const pod = positional[0];
  const all = a.all === true || a['all-namespaces'] === true || (strs.selector !== undefined && !pod);
  if (pod && (a.all === true || a['all-namespaces'] === true)) return { kind: 'usage', message: 'give a POD or --all / -A, not both' };
  if (pod && strs.selector) return { kind: 'usage', message: 'give a POD or -l SELECTOR, not both' };
  if (!pod && !all) return { kind: 'usage', message: 'which pod? give POD, or --all, -A or -l SELECTOR' };
  if (a['all-namespaces'] === true && strs.namespace) return { kind: 'usage', message: '-A and -n exclude each other' };
  if ((a.debug === true || a['debug-always'] === true) && strs['helper-path']) return { kind: 'usage', message: '--helper-path is a path in the container itself: it does not apply with --debug' };
  // kubectl flags keep the user's order, as --flag=value
  const kubectlFlags: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const m = /^--(context|kubeconfig|as)(?:=(.*))?$/.exec(words[i]);
    if (m && KUBECTL_FLAGS.includes(m[1])) kubectlFlags.push(`--${m[1]}=${m[2] ?? words[++i]}`);
  }
  return {
    kind: 'args',
    args: {
      pod,
      namespace: strs.namespace,
      container: strs.container,
      all,
      allNamespaces: a['all-namespaces'] === true,
      selector: strs.selector,
      parallel: a.parallel as number,
      json: a.json === true,
      explain: a.explain === true,
      full: a.full === true || a.explain === true,
      junit: strs.junit,
      expect,
      pss: strs.pss,
      syscalls: a.syscalls !== false,
      timeout: a.timeout as number,
      helperPath: strs['helper-path'],
      debug: a['debug-always'] === true ? 'always' : a.debug === true ? 'fallback' : 'never',
      image: strs.image ?? 'busybox',
      profile: strs.profile ?? 'general',
      strict: a.strict === true,
      handlerMap,
      kubectlFlags,
    },
  };
}
