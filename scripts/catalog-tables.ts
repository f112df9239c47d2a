import { COMMANDS } from '../src/protocol/index.js';
import type { CallbackSpec, StructType } from '../src/protocol/index.js';

/** The shared structs by the short names the README uses for them. */
const SHORT_NAMES: Record<string, string> = {
  CommonCallbackReq: 'MSG',
  UserStatusBaseCallback: 'ST',
  GroupInfo: 'GI',
  UserInfo: 'UI',
  OfflinePushInfo: 'OPI',
};

const code = (text: string) => `\`${text}\``;

/** A struct's fields as the README shows them: `name type`, shared structs by their short name. */
function describeStruct(type: StructType): string {
  const segments = type.parts.map((part) => {
    if ('fields' in part)
      return { embedded: false, text: part.fields.map((f) => code(`${f.name} ${f.type.go}`)).join(', ') };
    const short = SHORT_NAMES[part.embed.name];
    const inner = short ?? describeStruct(part.embed);
    return { embedded: true, text: part.pointer ? `${inner} (absent when nil)` : inner };
  });
  // Fields declared in several groups read as one list; an embedded struct is added with "+".
  return segments
    .filter((segment) => segment.text !== '')
    .map(
      (segment, i, all) =>
        `${i === 0 ? '' : segment.embedded || all[i - 1]?.embedded ? ' + ' : ', '}${segment.text}`,
    )
    .join('');
}

function describeOverrides(spec: CallbackSpec): string {
  if (spec.kind === 'after') return '';
  const { answer, ignored = [], echo = [] } = spec;
  const applied = (answer?.fields ?? []).filter((f) => !ignored.includes(f.name));
  if (applied.length === 0) return 'none: continue or reject';
  return applied
    .map((f) => `${code(`${f.name} ${f.type.go}`)}${echo.includes(f.name) ? ' (copied back)' : ''}`)
    .join(', ');
}

/** The catalog: every command with its config key, kind, request fields, overrides and quirks. */
export function commandsTable(): string {
  return [
    '| command | webhooks.yml key | kind | request fields (Go types, in order) | overrides | notes |',
    '|---|---|---|---|---|---|',
    ...COMMANDS.map(
      (c: CallbackSpec) =>
        `| ${code(c.command)} | ${code(c.configKey)} | ${c.kind} | ${describeStruct(c.request)} | ${describeOverrides(c)} | ${c.notes.join(' ')} |`,
    ),
  ].join('\n');
}

/** The shared structs the catalog names by MSG, ST, GI, UI and OPI. */
export function sharedStructsTable(): string {
  const structs = new Map<string, StructType>();
  const collect = (type: StructType) => {
    for (const part of type.parts) {
      if ('fields' in part) {
        for (const field of part.fields) {
          let inner = field.type;
          while (inner.kind === 'pointer' || inner.kind === 'slice') inner = inner.elem;
          if (inner.kind === 'struct' && SHORT_NAMES[inner.name]) structs.set(inner.name, inner);
        }
      } else {
        if (SHORT_NAMES[part.embed.name]) structs.set(part.embed.name, part.embed);
        collect(part.embed);
      }
    }
  };
  for (const c of COMMANDS as readonly CallbackSpec[]) {
    collect(c.request);
    if (c.answer) collect(c.answer);
  }
  return [
    '| name | OpenIM struct | fields |',
    '|---|---|---|',
    ...Object.entries(SHORT_NAMES).flatMap(([name, short]) => {
      const type = structs.get(name);
      return type ? [`| ${short} | ${code(name)} | ${describeStruct(type)} |`] : [];
    }),
  ].join('\n');
}
