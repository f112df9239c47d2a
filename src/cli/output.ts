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

function formatCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
