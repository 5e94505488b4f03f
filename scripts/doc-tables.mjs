// What the scripts that write generated tables into docs share: importing the project's
// TypeScript tables (bundled on the fly with esbuild), and replacing the text between a doc's
// <!-- NAME:begin --> and <!-- NAME:end --> markers — or, with --check, exiting 1 when it is out
// of date (test/schema/docs.test.ts runs each with --check).
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const here = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The module whose source is `contents` (TypeScript, resolved from the project root). */
export async function importTs(contents) {
  const dir = mkdtempSync(join(tmpdir(), 'sbx-doc-tables-'));
  try {
    const out = join(dir, 'tables.mjs');
    await build({ stdin: { contents, resolveDir: here, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error' });
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A markdown table cell: no pipe breaks it. */
export const cell = (s) => String(s).replace(/\|/g, '\\|');

/** Writes `markdown` between the `name` markers of `docPath` (relative to the project), or with
 *  --check exits 1 when the file differs; `command` is how to regenerate it. */
export function writeMarked(docPath, name, markdown, command) {
  const doc = join(here, docPath);
  const text = readFileSync(doc, 'utf8');
  const m = new RegExp(`<!-- ${name}:begin -->[\\s\\S]*?<!-- ${name}:end -->`).exec(text);
  if (!m) throw new Error(`${docPath} has no <!-- ${name}:begin/end --> markers`);
  const next = text.replace(m[0], () => `<!-- ${name}:begin -->\n${markdown}\n<!-- ${name}:end -->`);
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error(`${docPath} ${name} table is out of date: run ${command}`);
      process.exit(1);
    }
  } else writeFileSync(doc, next);
}
