import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');

/** The arrows of docs/architecture.md: each module and what it may import, read from the one table. */
function allowedArrows(): Map<string, Set<string>> {
  const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const table = /<!-- imports:start -->([\s\S]*?)<!-- imports:end -->/.exec(doc)?.[1];
  assert.ok(table, 'docs/architecture.md has the imports table');
  const arrows = new Map<string, Set<string>>();
  for (const line of table.split('\n').filter((l) => l.startsWith('| `'))) {
    const [, module = '', mayImport = ''] = line.split('|').map((cell) => cell.trim());
    const names = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
    arrows.set(names(module)[0] ?? '', new Set(names(mayImport)));
  }
  return arrows;
}

/** The module of a file under src/: its first folder, `emitter/reliable` on its own, `index.ts` at the top. */
function moduleOf(file: string): string {
  const parts = relative(src, file).split('/');
  if (parts.length === 1) return parts[0] ?? '';
  if (parts[0] === 'emitter' && parts[1] === 'reliable') return 'emitter/reliable';
  return parts[0] ?? '';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every arrow between modules in src/ (type imports and dynamic imports included), with one file that makes it. */
function actualArrows(): Map<string, string> {
  const arrows = new Map<string, string>();
  for (const file of sourceFiles(src)) {
    const source = readFileSync(file, 'utf8');
    const specifiers = [
      ...source.matchAll(/^(?:import|export)\b[^'";]*?\bfrom\s+'(\.[^']+)'/gm),
      ...source.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g),
    ].map((m) => m[1] ?? '');
    for (const specifier of specifiers) {
      const from = moduleOf(file);
      const to = moduleOf(resolve(dirname(file), specifier));
      if (from !== to) arrows.set(`${from} -> ${to}`, relative(root, file));
    }
  }
  return arrows;
}

/** A loop among the modules, following the given arrows, or undefined. */
function findCycle(arrows: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (module: string, path: string[]): string[] | undefined => {
    if (path.includes(module)) return [...path.slice(path.indexOf(module)), module];
    if (done.has(module)) return undefined;
    for (const next of arrows.get(module) ?? []) {
      const cycle = visit(next, [...path, module]);
      if (cycle) return cycle;
    }
    done.add(module);
    return undefined;
  };
  for (const module of arrows.keys()) {
    const cycle = visit(module, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('architecture (docs/architecture.md, "Who may import whom")', () => {
  const allowed = allowedArrows();

  it('names every module of src/ in its table', () => {
    const modules = new Set(sourceFiles(src).map(moduleOf));
    assert.deepEqual([...modules].filter((m) => !allowed.has(m)).sort(), []);
  });

  it('allows no loop between modules', () => {
    assert.equal(findCycle(allowed), undefined);
  });

  it('has no import in src/ against the arrows, hence no loop between folders', () => {
    const against = [...actualArrows()]
      .filter(([arrow]) => {
        const [from = '', to = ''] = arrow.split(' -> ');
        return !allowed.get(from)?.has(to);
      })
      .map(([arrow, file]) => `${arrow} (${file})`);
    assert.deepEqual(against, []);
    const actual = new Map<string, Set<string>>();
    for (const arrow of actualArrows().keys()) {
      const [from = '', to = ''] = arrow.split(' -> ');
      actual.set(from, new Set([...(actual.get(from) ?? []), to]));
    }
    assert.equal(findCycle(actual), undefined);
  });
});
