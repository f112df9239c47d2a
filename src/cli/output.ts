import Table from 'cli-table3';

/** Prints JSON for machines, or a table of the chosen columns for people. */
export function printRows<T extends object>(
  rows: T[],
  columns: (keyof T & string)[],
  options: { json: boolean; jsonValue?: unknown },
): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(options.jsonValue ?? rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const table = new Table({ head: columns, style: { head: [], border: [] } });
  for (const row of rows) table.push(columns.map((column) => formatCell(row[column])));
  process.stdout.write(`${table.toString()}\n`);
}

/** One page of a listing: JSON with its `nextCursor`, or a table and how to ask for the next page. */
export function printPage<T extends object>(
  page: { items: T[]; nextCursor: string | null },
  columns: (keyof T & string)[],
  json: boolean,
): void {
  printRows(page.items, columns, { json, jsonValue: page });
  if (!json && page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
}

function formatCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
