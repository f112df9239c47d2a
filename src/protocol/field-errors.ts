/**
 * What kind of wrong a field is, for code that decides by it (the reason is for people, and may be reworded):
 * - `missing`: absent (or null where OpenIM dereferences it);
 * - `type`: not of the Go type (a string where an int32 goes, not an array, not base64, not a JSON object as text);
 * - `range`: an integer outside its Go type's range;
 * - `undocumented`: of the right type, but not one of the values OpenIM documents (an enum);
 * - `not-applied`: an answer field OpenIM does not apply for this command, or one it would dereference as nil.
 */
export type FieldErrorKind = 'missing' | 'type' | 'range' | 'undocumented' | 'not-applied';

/** One reason why one field of a request was refused; `field` is the JSON name as OpenIM spells it. */
export interface FieldError {
  readonly field: string;
  /** Absent in events recorded before the kind existed. */
  readonly kind?: FieldErrorKind;
  readonly reason: string;
}

/** All field errors in one line, as they go into a response package's `errDlt`. */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
}
