import { ERROR_CODES } from '../src/protocol/index.js';
import { configReference } from '../src/service/config.js';
import { commandsTable, sharedStructsTable } from './catalog-tables.js';

/** The README's generated tables, by marker name. `npm run docs` writes them; a test keeps them in step. */
export function readmeTables(): Record<string, string> {
  const errors = [
    '| errCode | name | HTTP | errMsg | what to do |',
    '|---|---|---|---|---|',
    ...Object.entries(ERROR_CODES).map(
      ([name, e]) => `| ${e.errCode} | \`${name}\` | ${e.status} | ${e.errMsg} | ${e.fix} |`,
    ),
  ].join('\n');
  const commands = commandsTable();
  const structs = sharedStructsTable();
  const config = [
    '| setting (config file) | flag | environment | default | meaning |',
    '|---|---|---|---|---|',
    ...configReference().map(
      (s) => `| \`${s.key}\` | \`${s.flag}\` | \`${s.env}\` | \`${s.default}\` | ${s.doc} |`,
    ),
    '| — | `--config` | `OPENIM_HOOKS_CONFIG` | none | a YAML or JSON file holding the settings above |',
  ].join('\n');
  return { errors, commands, structs, config };
}

/** `text` with the content between `<!-- name:start -->` and `<!-- name:end -->` replaced for every table. */
export function withTables(text: string, tables: Record<string, string>): string {
  let result = text;
  for (const [name, table] of Object.entries(tables)) {
    const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!pattern.test(result)) throw new Error(`README lacks the markers of the ${name} table`);
    result = result.replace(pattern, (_, start: string, end: string) => `${start}\n${table}\n${end}`);
  }
  return result;
}
