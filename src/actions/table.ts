/**
 * Plain-text tables for human output: columns padded to their widest cell (colour codes not counted). On a
 * terminal (a width given), a row too wide for it has its last column wrapped at spaces, each further line
 * starting under that column, instead of the terminal breaking the line inside a word; when that column
 * would be left too narrow, its text goes on the lines below the row, indented.
 */
import { stripVTControlCharacters } from 'node:util';

export function visibleLength(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

/** `text` cut to `width` visible characters, ending in … when cut (plain text: colour codes are not kept apart). */
export function truncate(text: string, width: number | undefined): string {
  if (width === undefined || visibleLength(text) <= width) return text;
  return `${[...text]
    .slice(0, Math.max(width - 1, 0))
    .join('')
    .trimEnd()}…`;
}

/** The least room the last column keeps when wrapped beside the row; narrower, its text goes below it. */
const MIN_WRAPPED = 40;
/** Where the text of a last column put below its row starts. */
const BELOW = '      ';

/** `text` in lines of at most `room` visible characters, broken at spaces (a longer word keeps a line). */
function wrapText(text: string, room: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && visibleLength(line) + 1 + visibleLength(word) > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

interface TableOptions {
  indent?: string;
  gap?: string;
  /** The terminal's width in columns; undefined: rows are not wrapped. */
  width?: number;
}

/** Rows of cells → lines; the last column is not padded. */
export function table(rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  const { indent = '  ', gap = '  ', width } = opts;
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  return rows
    .map((row) => {
      const cells = row
        .slice(0, -1)
        .map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)));
      const head = indent + cells.map((c) => c + gap).join('');
      const last = row.at(-1) ?? '';
      const room = width === undefined ? Number.POSITIVE_INFINITY : width - visibleLength(head);
      if (visibleLength(last) <= room) return (head + last).trimEnd();
      if (room < MIN_WRAPPED && width !== undefined)
        return [head.trimEnd(), ...wrapText(last, width - BELOW.length).map((l) => BELOW + l)].join('\n');
      const [first = '', ...more] = wrapText(last, room);
      const under = ' '.repeat(visibleLength(head));
      return [(head + first).trimEnd(), ...more.map((l) => under + l)].join('\n');
    })
    .join('\n');
}
