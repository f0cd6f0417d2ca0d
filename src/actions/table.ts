/** Plain-text tables for human output: columns padded to their widest cell (colour codes not counted). */
import { stripVTControlCharacters } from 'node:util';

export function visibleLength(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

/** Rows of cells → lines; the last column is not padded. */
export function table(rows: readonly (readonly string[])[], indent = '  ', gap = '  '): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  return rows
    .map((row) =>
      (
        indent +
        row
          .map((cell, i) =>
            i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)),
          )
          .join(gap)
      ).trimEnd(),
    )
    .join('\n');
}
