/** One reason why one field of a request was refused; `field` is the JSON name as OpenIM spells it. */
export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

/** All field errors in one line, as they go into a response package's `errDlt`. */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
}
