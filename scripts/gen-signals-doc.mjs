// Writes the verdict table of docs/verdicts.md (between <!-- signals:begin --> and
// <!-- signals:end -->) from the classifier's signal tables, so the documentation is the data.
// `--check` exits 1 when that file is out of date (test/schema/docs.test.ts runs it). The table
// lived in README.md until the README was cut down to what a new user needs (issue #25); it
// moved to docs/verdicts.md with its markers.
import { fileURLToPath } from 'node:url';
import { cell as esc, importTs, writeMarked } from './doc-tables.mjs';

export async function signalsMarkdown() {
  const { SANDBOX_SIGNALS, VM_SIGNALS, ENGINE_SIGNALS, THRESHOLD } = await importTs(
    "export { SANDBOX_SIGNALS } from './src/classifier/sandbox-signals.ts'; export { VM_SIGNALS } from './src/classifier/vm.ts'; export { ENGINE_SIGNALS } from './src/classifier/engine.ts'; export { THRESHOLD } from './src/classifier/sandbox.ts';");
  const table = (rows) => ['| indicates | weight | signal | source | pattern | reference |', '|---|---|---|---|---|---|',
    ...rows.map((s) => `| ${s.indicates} | ${s.weight > 0 ? '+' : ''}${s.weight} | \`${s.id}\` | ${esc(s.source)} | ${esc(s.pattern)} | ${esc(s.reference)} |`)].join('\n');
  const vmRows = VM_SIGNALS.filter((s) => !/^(cpuid|dmi|acpi)-/.test(s.id) || ['cpuid-kvm', 'cpuid-qemu', 'dmi-qemu', 'dmi-cloud-hypervisor', 'acpi-firecracker'].includes(s.id));
  return [
    `A class wins when its signals add up to at least ${THRESHOLD}; the specific sandboxes (gVisor, Kata, Sysbox, LXC, nspawn, nesting, namespace tools) refine the generic container evidence, then runc-class, then no container; below the threshold, a process in a pid namespace of its own (and not in the initial mount namespace) is a \`container\` (runtime not identified), and anything else is \`unknown\`. A container is called **privileged** (headline, table, \`verdict.privileged\`, \`--expect privileged=\`) when all four hold: \`CAP_SYS_ADMIN\` and all but at most four capabilities in the bounding set (an engine grants only those it knows and the host holds), no seccomp filter, no OCI masked path, and a host block or memory device in \`/dev\`; each is reported with what it saw. \`--explain\` shows every signal considered on the machine at hand.`,
    '', '**Sandbox class**', '', table(SANDBOX_SIGNALS),
    '', '**Machine underneath** (one row per table entry in `src/classifier/vm-tables.ts`; a few shown)', '', table(vmRows),
    '', '**Engine**', '', table(ENGINE_SIGNALS),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeMarked('docs/verdicts.md', 'signals', await signalsMarkdown(), 'node scripts/gen-signals-doc.mjs');
}
