import { finding } from './finding.js';
import type { Finding } from './finding.js';

/** The schema check of `doctor`, for either backend: newer than this code is a problem, older is a warning. */
export function schemaFinding(version: number, known: number): Finding {
  if (version > known)
    return finding(
      'schema',
      'problem',
      `schema version ${version}, newer than this openim-hooks knows (${known})`,
      'run the openim-hooks that wrote it, or a later one',
    );
  if (version < known)
    return finding(
      'schema',
      'warn',
      `schema version ${version}; this openim-hooks brings ${known}`,
      '`openim-hooks migrate` (or the next `serve`) applies the rest',
    );
  return finding('schema', 'ok', `schema version ${version}`);
}
