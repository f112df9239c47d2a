import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every package a module loads at run time, following its relative imports (type-only imports are erased). */
function runtimePackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(
      /^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm,
    )) {
      const target = match[1] ?? match[2] ?? '';
      if (target.startsWith('.')) visit(resolve(dirname(file), target.replace(/\.js$/, '.ts')));
      else
        packages.add(
          target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : (target.split('/')[0] ?? ''),
        );
    }
    for (const match of source.matchAll(/import\('([^']+)'\)/g)) packages.add(`dynamic:${match[1] ?? ''}`);
  };
  visit(resolve(root, entry));
  return packages;
}

describe('library entry points', () => {
  it('openim-hooks (protocol + receiver, adapters included) and openim-hooks/emitter load no driver or framework', () => {
    const library = [...runtimePackages('src/index.ts')].filter((p) => !p.startsWith('node:'));
    assert.deepEqual(library, []);
    const emitter = [...runtimePackages('src/emitter/index.ts')].filter((p) => !p.startsWith('node:'));
    assert.deepEqual(emitter, ['yaml']);
    const consumer = [...runtimePackages('src/consumer/index.ts')].filter((p) => !p.startsWith('node:'));
    assert.deepEqual(consumer, []);
  });
});
