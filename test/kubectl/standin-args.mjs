// kubectl's command line as both stand-ins read it (kubectl-standin.mjs over Docker,
// kubectl-cri-standin.mjs over the CRI): global flags anywhere before the command's `--`, the
// words (command, resource, name), and what follows `--`.
const VALUED = new Set(['-n', '--namespace', '-c', '--container', '-l', '--selector', '-o', '--output', '--context', '--kubeconfig', '--as', '--image', '--target', '--profile']);

export function parseKubectlArgs(argv) {
  const words = [];
  const flags = {};
  let rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { rest = argv.slice(i + 1); break; }
    const eq = /^(--[a-z-]+)=(.*)$/.exec(a);
    if (eq) flags[eq[1]] = eq[2];
    else if (VALUED.has(a)) flags[a] = argv[++i];
    else if (a.startsWith('-')) flags[a] = true;
    else words.push(a);
  }
  return { words, flags, rest, get: (...names) => names.map((n) => flags[n]).find((v) => v !== undefined) };
}
