import type { InputOf, StructType } from '../go-types.js';

export type Area = 'msg' | 'user' | 'friend' | 'group' | 'push' | 'gateway' | 'conversation';

/**
 * Everything about one callback command, as data: where OpenIM's config enables it, its request struct (Go field
 * order and types), the answer fields OpenIM reads back, the quirks a receiver meets, and a realistic example. Types,
 * validation, the emitter's encoding, the answer builder and the README table all come from these.
 */
export interface CallbackSpec<
  C extends string = string,
  K extends 'before' | 'after' = 'before' | 'after',
  R extends StructType = StructType,
  A extends StructType | undefined = StructType | undefined,
  I extends string = string,
> {
  readonly command: C;
  /** The key under OpenIM's `config/webhooks.yml`. */
  readonly configKey: string;
  readonly kind: K;
  readonly area: Area;
  /** OpenIM's request struct. */
  readonly request: R;
  /** Before-callbacks with overrides: the fields of OpenIM's response struct after the common package. */
  readonly answer?: A;
  /** Answer fields OpenIM decodes (so their type still matters) but never applies: not overrides. */
  readonly ignored?: readonly I[];
  /**
   * Answer fields OpenIM copies back whether or not the answer has them: the answer builder fills them from the
   * request of the same name, so that leaving one out cannot clear it.
   */
  readonly echo?: readonly string[];
  /**
   * Answer fields OpenIM writes through the request's own pointer: overriding one that is null in the request makes
   * it dereference nil, so the answer builder refuses that.
   */
  readonly setOnlyIfSent?: readonly string[];
  /** What a receiver should know about this command, each a short sentence. */
  readonly notes: readonly string[];
  /** A realistic request (the emitter's default body); missing fields are Go's zero values. */
  readonly example: InputOf<R>;
}

/** Keeps the literal command and kind, and the exact struct types, of a spec. */
export function defineCallback<
  const C extends string,
  const K extends 'before' | 'after',
  R extends StructType,
  A extends StructType | undefined = undefined,
  const I extends string = never,
>(spec: CallbackSpec<C, K, R, A, I>): CallbackSpec<C, K, R, A, I> {
  return spec;
}
