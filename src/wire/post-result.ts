import type { CallbackErrorKind } from './callback-error-kind.js';

/** The raw result of one callback post: the final answer's status and body, or why there is none. */
export type PostResult =
  | { readonly ok: true; readonly status: number; readonly body: Buffer; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly kind: CallbackErrorKind;
      readonly message: string;
      /** The status line, when the failure came after it (a body cut short). */
      readonly status: number | null;
      readonly durationMs: number;
    };
