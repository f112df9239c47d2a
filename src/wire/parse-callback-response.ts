import { struct, goString, int32 } from '../protocol/index.js';
import type { ResponsePackage, StructType } from '../protocol/index.js';
import { decodeGoStruct, GoDecodeError } from './go-decode.js';

export type ParsedCallbackResponse =
  | {
      readonly ok: true;
      readonly response: ResponsePackage;
      /**
       * The answer fields of the command's response struct that the answer carried, as Go decoded them: pointers
       * present with a non-null value (Go pointers that ended up non-nil), and the other fields present.
       */
      readonly overrides: Readonly<Record<string, unknown>>;
    }
  | { readonly ok: false; readonly kind: 'response-format' | 'response-type'; readonly message: string };

/** OpenIM's CommonCallbackResp. */
const COMMON = struct('CommonCallbackResp', {
  actionCode: int32,
  errCode: int32,
  errMsg: goString,
  errDlt: goString,
  nextCode: int32,
});

const WHOLE = new WeakMap<StructType, StructType>();

/** The response struct: the common package embedded, then the command's answer fields. */
export function responseStruct(answer: StructType | undefined): StructType {
  if (answer === undefined) return COMMON;
  let whole = WHOLE.get(answer);
  if (whole === undefined) {
    whole = { ...answer, fields: [...COMMON.fields, ...answer.fields] };
    WHOLE.set(answer, whole);
  }
  return whole;
}

/**
 * Decodes an answer the way OpenIM's `json.Unmarshal` into its response struct does: empty, non-JSON, an array or a
 * scalar is a format error; `null` and `{}` are success with every field zero; keys match case-insensitively (an
 * exact match first), unknown keys are ignored, the last matching key wins; a value of the wrong type
 * (`"nextCode": "0"`, `1.5`, beyond int32, a string where OpenIM wants a list) anywhere is an error. `answer` is the
 * command's answer struct (`findCommand(c).answer`): what OpenIM may apply.
 *
 * @example
 * parseCallbackResponse(Buffer.from('{"ACTIONCODE":0,"nextCode":1,"errCode":5001}'));
 * // { ok: true, response: { actionCode: 0, errCode: 5001, errMsg: '', errDlt: '', nextCode: 1 }, overrides: {} }
 */
export function parseCallbackResponse(body: Buffer | string, answer?: StructType): ParsedCallbackResponse {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return {
      ok: false,
      kind: 'response-format',
      message: text.length === 0 ? 'empty body' : 'body is not JSON',
    };
  }
  const response: ResponsePackage = { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 };
  if (document === null) return { ok: true, response, overrides: {} };
  if (typeof document !== 'object' || Array.isArray(document)) {
    return {
      ok: false,
      kind: 'response-format',
      message: `cannot decode a JSON ${Array.isArray(document) ? 'array' : typeof document} into the response`,
    };
  }
  let decoded: Record<string, unknown>;
  try {
    decoded = decodeGoStruct(responseStruct(answer), text.trim());
  } catch (error) {
    if (!(error instanceof GoDecodeError)) throw error;
    return { ok: false, kind: 'response-type', message: error.message };
  }
  const overrides: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(decoded)) {
    if (name in response) Object.assign(response, { [name]: value });
    else if (value !== null) overrides[name] = value;
  }
  return { ok: true, response, overrides };
}
