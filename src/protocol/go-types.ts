/**
 * Go's types as data, each carrying the TypeScript type of its JSON (a phantom `__ts`), so that one declaration per
 * callback gives its TS type, its runtime validation, its Go encoding and its documentation. Only the shapes
 * OpenIM's callback structs use: Go's JSON of them is described in docs/protocol.md §1.3 and summarised at each
 * constructor.
 */

interface Typed<T, I = T> {
  /** Never set: carries the TypeScript type of the JSON value, as OpenIM sends it (every field present). */
  readonly __ts?: T;
  /** Never set: the type of a value given to us (an override): struct fields optional, as Go zero-fills them. */
  readonly __in?: I;
  /** How the Go type is written in the docs (`int32`, `*string`, `[]string`, `*wrapperspb.StringValue`). */
  readonly go: string;
}

export type ScalarKind = 'string' | 'bool' | 'int32' | 'int64' | 'uint32' | 'int';

export interface ScalarType<T = unknown> extends Typed<T, T> {
  readonly kind: ScalarKind;
  /** The documented values of an integer enum; anything else fails validation. */
  readonly oneOf?: readonly number[];
  /** A string that holds a JSON text (message `content`). */
  readonly jsonText?: true;
}

/** `*T`, or a `*wrapperspb.XValue`: the value, or `null` for nil. */
export interface PointerType<T = unknown, I = T> extends Typed<T, I> {
  readonly kind: 'pointer';
  readonly elem: GoType;
  /** OpenIM dereferences it unchecked: an answer must set it (see mustSet). */
  readonly mustSet?: true;
}

/** `[]T`: an array, or `null` for a nil slice. */
export interface SliceType<T = unknown, I = T> extends Typed<T, I> {
  readonly kind: 'slice';
  readonly elem: GoType;
}

/** `map[string]T`: an object (Go writes its keys sorted), or `null` for a nil map. */
export interface MapType<T = unknown, I = T> extends Typed<T, I> {
  readonly kind: 'map';
  readonly elem: GoType;
}

/** `[]byte`: standard base64 text, or `null`. */
export interface BytesType extends Typed<string | null> {
  readonly kind: 'bytes';
}

export interface StructField {
  /** The JSON name, exactly as OpenIM spells it. */
  readonly name: string;
  readonly type: GoType;
  /** Set on the fields of an embedded `*T`: all absent when that pointer is nil (Go skips them). */
  readonly embeddedPointer?: string;
}

/** A part of a struct as declared: its own fields, or an embedded struct (flattened in place by Go's encoder). */
export type StructPart =
  { readonly fields: readonly StructField[] } | { readonly embed: StructType; readonly pointer: boolean };

export interface StructType<T = unknown, I = T> extends Typed<T, I> {
  readonly kind: 'struct';
  /** The Go struct's name (docs and the golden tests' Go mirror). */
  readonly name: string;
  /** Every JSON field in declaration order, embedded structs flattened. */
  readonly fields: readonly StructField[];
  readonly parts: readonly StructPart[];
}

export type GoType = ScalarType | PointerType | SliceType | MapType | BytesType | StructType;

/** The TypeScript type of a Go type's JSON. */
export type TsOf<G> = G extends Typed<infer T, unknown> ? T : never;
/** The TypeScript type of a value of this Go type given to us: nil is simply left out. */
export type InputOf<G> = G extends Typed<unknown, infer I> ? I : never;

const scalar = <T>(kind: ScalarKind, go: string = kind): ScalarType<T> => ({ kind, go });

export const goString = scalar<string>('string');
export const goBool = scalar<boolean>('bool');
export const int32 = scalar<number>('int32');
/** int64: JSON numbers beyond 2^53 lose precision in `request`; the raw bytes keep them exact. */
export const int64 = scalar<number>('int64');
export const uint32 = scalar<number>('uint32');
/** Go's `int`, 64 bits on the servers OpenIM runs on. */
export const goInt = scalar<number>('int');
/** A string holding a JSON text (message `content` is double-encoded). */
export const jsonText: ScalarType<string> = { kind: 'string', go: 'string (JSON text)', jsonText: true };
export const goBytes: BytesType = { kind: 'bytes', go: '[]byte' };

/** An int32 with documented values only. */
export function int32Enum<const V extends readonly number[]>(values: V): ScalarType<V[number]> {
  return { kind: 'int32', go: 'int32', oneOf: values };
}

export function pointer<E extends GoType>(elem: E): PointerType<TsOf<E> | null, InputOf<E>> {
  return { kind: 'pointer', go: `*${elem.go}`, elem };
}

/** A pointer field of an answer that OpenIM dereferences without a nil check: a handler must give it. */
export function mustSet<E extends GoType>(
  elem: E,
): PointerType<TsOf<E> | null, InputOf<E>> & { readonly mustSet: true } {
  return { kind: 'pointer', go: `*${elem.go}`, elem, mustSet: true };
}

/** `*wrapperspb.StringValue` / `*wrapperspb.Int32Value`: a bare scalar or null on the wire, like a pointer. */
export function wrapper<E extends ScalarType>(elem: E): PointerType<TsOf<E> | null, InputOf<E>> {
  const name = elem.kind === 'string' ? 'StringValue' : 'Int32Value';
  return { kind: 'pointer', go: `*wrapperspb.${name}`, elem };
}

export function slice<E extends GoType>(elem: E): SliceType<TsOf<E>[] | null, InputOf<E>[]> {
  return { kind: 'slice', go: `[]${elem.go}`, elem };
}

export function goMap<E extends GoType>(
  elem: E,
): MapType<Record<string, TsOf<E>> | null, Record<string, InputOf<E>>> {
  return { kind: 'map', go: `map[string]${elem.go}`, elem };
}

interface Embedded<S extends StructType, P extends boolean> {
  readonly embed: S;
  readonly pointer: P;
}

/** An embedded struct: its fields are written in place. */
export function embed<S extends StructType>(struct: S): Embedded<S, false> {
  return { embed: struct, pointer: false };
}

/** An embedded `*T`: its fields are written in place when the pointer is set, and all absent when it is nil. */
export function embedPointer<S extends StructType>(struct: S): Embedded<S, true> {
  return { embed: struct, pointer: true };
}

type FieldMap = { readonly [name: string]: GoType };
type Part = FieldMap | Embedded<StructType, boolean>;

type PartTs<P> =
  P extends Embedded<infer S, infer Nil>
    ? Nil extends true
      ? Partial<TsOf<S>>
      : TsOf<S>
    : P extends FieldMap
      ? { -readonly [K in keyof P]: TsOf<P[K]> }
      : never;

type MustSetKeys<P> = { [K in keyof P]: P[K] extends { readonly mustSet: true } ? K : never }[keyof P];

type PartInput<P> =
  P extends Embedded<infer S, boolean>
    ? InputOf<S>
    : P extends FieldMap
      ? { -readonly [K in Exclude<keyof P, MustSetKeys<P>>]?: InputOf<P[K]> } & {
          -readonly [K in MustSetKeys<P>]: InputOf<P[K]>;
        }
      : never;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

function isEmbedded(part: Part): part is Embedded<StructType, boolean> {
  return 'embed' in part && typeof part.embed === 'object' && 'pointer' in part;
}

/**
 * A Go struct: its parts in declaration order. Field names are the JSON names.
 *
 * @example
 * const req = struct('CallbackBeforeSendSingleMsgReq', embed(COMMON_CALLBACK_REQ), { recvID: goString });
 */
export function struct<const P extends readonly Part[]>(
  name: string,
  ...parts: P
): StructType<
  Simplify<UnionToIntersection<PartTs<P[number]>>>,
  Simplify<UnionToIntersection<PartInput<P[number]>>>
> {
  const declared: StructPart[] = parts.map((part) =>
    isEmbedded(part)
      ? { embed: part.embed, pointer: part.pointer }
      : { fields: Object.entries(part).map(([field, type]) => ({ name: field, type })) },
  );
  const fields = declared.flatMap((part): StructField[] => {
    if ('fields' in part) return [...part.fields];
    if (!part.pointer) return [...part.embed.fields];
    return part.embed.fields.map((field) => ({ ...field, embeddedPointer: part.embed.name }));
  });
  return { kind: 'struct', go: name, name, fields, parts: declared };
}

/**
 * The fields Go writes for `body`: all of them, except those of an embedded pointer that is nil, which we take to be
 * the case when none of its fields is in `body`.
 */
export function writtenFields(type: StructType, body: Readonly<Record<string, unknown>>): StructField[] {
  const set = new Set<string>();
  for (const field of type.fields)
    if (field.embeddedPointer !== undefined && body[field.name] !== undefined) set.add(field.embeddedPointer);
  return type.fields.filter((field) => field.embeddedPointer === undefined || set.has(field.embeddedPointer));
}
