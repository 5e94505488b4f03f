// Writes the findings table of docs/findings.md (between <!-- findings:begin --> and
// <!-- findings:end -->) from the classifier's rows (src/classifier/findings.ts), so the
// documentation is the data. `--check` exits 1 when the file is out of date (test/schema/docs.test.ts).
import { fileURLToPath } from 'node:url';
import { cell, importTs, writeMarked } from './doc-tables.mjs';

export async function findingsMarkdown() {
  const { FINDING_ROWS } = await importTs("export { FINDING_ROWS } from './src/classifier/findings.ts';");
  const moot = (r) => [r.mootUnder ? `under ${r.mootUnder.classes.join(', ')}: ${r.mootUnder.because}` : '', r.mootWhen ? 'in a user namespace of its own' : ''].filter(Boolean).join('; ') || '-';
  return ['| id | severity | what | why it matters | what to change | moot | part of |', '|---|---|---|---|---|---|---|',
    ...FINDING_ROWS.map((r) => `| \`${r.id}\` | ${r.severity} | ${cell(r.title)}${r.containerOnly ? '' : ' (asked with or without a container)'} | ${cell(r.why)} | ${cell(r.remediation)} | ${cell(moot(r))} | ${r.partOf ? `\`${r.partOf}\`` : '-'} |`)].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeMarked('docs/findings.md', 'findings', await findingsMarkdown(), 'node scripts/gen-findings-doc.mjs');
}
