import { Option } from 'commander';
import type { Command } from 'commander';
import { configReference } from '../service/index.js';
import type { ServiceConfig } from '../service/index.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** What `--help` says of a setting: its one line, and its default unless there is none. */
function helpOf(doc: string, shown: string): string {
  return `${doc.replaceAll('`', '')}${shown === 'none' ? '' : ` (default ${shown})`}`;
}

/**
 * Adds a flag for every setting of the registry to `serve` (so the flags, their help and their defaults cannot
 * drift from the config file and the README), and returns how to read the parsed options back as settings.
 */
export function addSettingFlags(
  command: Command,
): (parsed: Record<string, unknown>) => Partial<Record<keyof ServiceConfig, unknown>> {
  const attributes: [keyof ServiceConfig, string, boolean][] = [];
  for (const setting of configReference()) {
    const flag = setting.argument === undefined ? setting.flag : `${setting.flag} ${setting.argument}`;
    const option = new Option(flag, helpOf(setting.doc, setting.default));
    if (setting.choices) option.choices(setting.choices);
    if (setting.repeatable) option.argParser(collect);
    command.addOption(option);
    attributes.push([setting.key, option.attributeName(), option.negate]);
  }
  return (parsed) => {
    const flags: Partial<Record<keyof ServiceConfig, unknown>> = {};
    for (const [key, attribute, negated] of attributes) {
      const value = parsed[attribute];
      // A `--no-…` switch makes commander default its value to true: only its explicit false was given, otherwise
      // the environment or the file decide.
      if (value !== undefined && !(negated && value === true)) flags[key] = value;
    }
    return flags;
  };
}
