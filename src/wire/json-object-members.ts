/** One member of a JSON object: its decoded key and the raw text of its value. */
export interface JsonMember {
  readonly key: string;
  readonly raw: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * The members of the JSON object `text`, in document order and with duplicates kept, so that a decoder can behave
 * like Go's (last matching key wins, number literals seen as written). `text` must already be valid JSON whose
 * top-level value is an object.
 */
export function jsonObjectMembers(text: string): JsonMember[] {
  const members: JsonMember[] = [];
  let i = skipSpace(text, 0) + 1; // past "{"
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] === '}') return members;
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd) + 1; // past ":"
    const valueStart = skipSpace(text, i);
    const valueEnd = skipValue(text, valueStart);
    members.push({ key, raw: text.slice(valueStart, valueEnd) });
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i += 1;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && WHITESPACE.has(text[i] ?? '')) i += 1;
  return i;
}

/** From an opening quote to just past its closing quote. */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j += 1) {
    const c = text[j];
    if (c === '\\') j += 1;
    else if (c === '"') return j + 1;
  }
  return text.length;
}

function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j += 1) {
      const c = text[j];
      if (c === '"') j = skipString(text, j) - 1;
      else if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') {
        depth -= 1;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !WHITESPACE.has(text[j] ?? '') && text[j] !== ',' && text[j] !== '}') j += 1;
  return j;
}

/** The raw text of each item of the JSON array `text` (valid JSON, an array), in order. */
export function jsonArrayItems(text: string): string[] {
  const items: string[] = [];
  let i = skipSpace(text, 0) + 1; // past "["
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] === ']' || i >= text.length) return items;
    const end = skipValue(text, i);
    items.push(text.slice(i, end));
    i = skipSpace(text, end);
    if (text[i] === ',') i += 1;
  }
}
