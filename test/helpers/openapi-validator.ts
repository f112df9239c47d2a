import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;

/** JSON pointer escaping of one path segment (`/` → `~1`). */
const pointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Validates real answers against an OpenAPI 3.1 document with ajv (JSON Schema 2020-12) and ajv-formats: a
 * validator that is not ours. Throws with ajv's errors when an answer does not fit.
 */
export function openapiValidator(document: { paths: Record<string, Record<string, unknown>> }) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: 'openapi.json' });
  return function check(
    path: string,
    method: string,
    status: number,
    body: unknown,
    type = 'application/json',
  ): void {
    const operation = document.paths[path]?.[method.toLowerCase()] as
      { responses?: Record<string, { content?: Record<string, unknown> }> } | undefined;
    if (!operation) throw new Error(`${method} ${path} is not in the document`);
    if (!operation.responses?.[String(status)]?.content?.[type])
      throw new Error(`${method} ${path}: the document has no ${status} ${type} answer`);
    const ref = `openapi.json#/paths/${pointer(path)}/${method.toLowerCase()}/responses/${status}/content/${pointer(type)}/schema`;
    const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    if (!validate(body)) {
      throw new Error(
        `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
      );
    }
  };
}
