// The bordered table every terminal section of a check uses. The one module here that loads the
// `table` package for the checks: nothing a --json run reaches imports it (test/render/json-path.test.ts).
import { getBorderCharacters, table } from 'table';

/** A bordered table with a rule under the header, each column wrapped at its width. */
export function grid(rows: string[][], widths: number[]): string {
  return table(rows, {
    border: getBorderCharacters('norc'),
    columns: widths.map((width) => ({ width, wrapWord: true })),
    drawHorizontalLine: (i, n) => i === 0 || i === 1 || i === n,
  });
}
