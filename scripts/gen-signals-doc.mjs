// Writes the verdict table of docs/verdicts.md (between <!-- signals:begin --> and
// <!-- signals:end -->) from the classifier's signal tables, so the documentation is the data.
// `--check` exits 1 when that file is out of date (test/schema/docs.test.ts runs it). The table
// lived in README.md until the README was cut down to what a new user needs (issue #25); it
// moved to docs/verdicts.md with its markers.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function signalsMarkdown() {
  const dir = mkdtempSync(join(tmpdir(), 'sbx-signals-'));
  try {
    const out = join(dir, 'tables.mjs');
    await build({
      stdin: {
        contents: "export { SANDBOX_SIGNALS } from './src/classifier/sandbox-signals.ts'; export { VM_SIGNALS } from './src/classifier/vm.ts'; export { ENGINE_SIGNALS } from './src/classifier/engine.ts'; export { THRESHOLD } from './src/classifier/sandbox.ts';",
        resolveDir: here, loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error',
    });
    const { SANDBOX_SIGNALS, VM_SIGNALS, ENGINE_SIGNALS, THRESHOLD } = await import(pathToFileURL(out).href);
    const esc = (s) => String(s).replace(/\|/g, '\\|');
    const table = (rows) => ['| indicates | weight | signal | source | pattern | reference |', '|---|---|---|---|---|---|',
      ...rows.map((s) => `| ${s.indicates} | ${s.weight > 0 ? '+' : ''}${s.weight} | \`${s.id}\` | ${esc(s.source)} | ${esc(s.pattern)} | ${esc(s.reference)} |`)].join('\n');
    const vmRows = VM_SIGNALS.filter((s) => !/^(cpuid|dmi|acpi)-/.test(s.id) || ['cpuid-kvm', 'cpuid-qemu', 'dmi-qemu', 'dmi-cloud-hypervisor', 'acpi-firecracker'].includes(s.id));
    return [
      `A class wins when its signals add up to at least ${THRESHOLD}; the specific sandboxes (gVisor, Kata, Sysbox, LXC, nspawn, nesting, namespace tools) refine the generic container evidence, then runc-class, then no container; below the threshold, a process in a pid namespace of its own (and not in the initial mount namespace) is a \`container\` (runtime not identified), and anything else is \`unknown\`. A container is called **privileged** (headline, table, \`verdict.privileged\`, \`--expect privileged=\`) when all four hold: \`CAP_SYS_ADMIN\` and all but at most four capabilities in the bounding set (an engine grants only those it knows and the host holds), no seccomp filter, no OCI masked path, and a host block or memory device in \`/dev\`; each is reported with what it saw. \`--explain\` shows every signal considered on the machine at hand.`,
      '', '**Sandbox class**', '', table(SANDBOX_SIGNALS),
      '', '**Machine underneath** (one row per table entry in `src/classifier/vm-tables.ts`; a few shown)', '', table(vmRows),
      '', '**Engine**', '', table(ENGINE_SIGNALS),
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const doc = join(here, 'docs/verdicts.md');
  const text = readFileSync(doc, 'utf8');
  const m = /<!-- signals:begin -->[\s\S]*?<!-- signals:end -->/.exec(text);
  if (!m) throw new Error('docs/verdicts.md has no <!-- signals:begin/end --> markers');
  const fresh = `<!-- signals:begin -->\n${await signalsMarkdown()}\n<!-- signals:end -->`;
  const next = text.replace(m[0], () => fresh);
  if (process.argv.includes('--check')) {
    if (next !== text) { console.error('docs/verdicts.md verdict table is out of date: run node scripts/gen-signals-doc.mjs'); process.exit(1); }
  } else writeFileSync(doc, next);
}
