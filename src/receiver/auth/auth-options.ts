/** The algorithms of OpenIM's commercial edition signature (`signature.*` in its config). */
export const SIGNATURE_ALGORITHMS = [
  'hmac-sha1',
  'hmac-sha256',
  'hmac-sha512',
  'rsa-sha256',
  'ecdsa-sha256',
] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** RSA and ECDSA are verified with public keys (PEM); the HMAC algorithms with shared secrets. */
export function isPublicKeyAlgorithm(
  algorithm: SignatureAlgorithm,
): algorithm is 'rsa-sha256' | 'ecdsa-sha256' {
  return algorithm === 'rsa-sha256' || algorithm === 'ecdsa-sha256';
}

/**
 * OpenIM commercial edition: the sender signs the value of its nonce header (not the body) and sends the signature
 * in another header. Both header names are configurable there, so they are here.
 */
export interface NonceSignatureOptions {
  readonly algorithm: SignatureAlgorithm;
  /** HMAC: the shared secrets; RSA/ECDSA: PEM public keys. Several at once during a rotation. */
  readonly keys: readonly string[];
  /** Default `x-signature`. */
  readonly signatureHeader?: string;
  /** Default `x-nonce`. */
  readonly nonceHeader?: string;
  /**
   * Where the nonce's time comes from: a header holding epoch seconds or milliseconds, or (default) the first run of
   * 10 or 13 digits inside the nonce itself. A nonce with no time is refused: its freshness cannot be checked.
   */
  readonly timestampHeader?: string;
  /** How far the nonce's time may be from ours, both directions. Default 300 s. */
  readonly toleranceSeconds?: number;
}

/**
 * Body binding, for our own emitter: `x-openim-hooks-signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw
 * body)>` (several `v1=` separated by spaces or commas during a rotation) and `x-openim-hooks-timestamp: <epoch s>`.
 */
export interface BodyHmacOptions {
  readonly secrets: readonly string[];
  /** Default 300 s. */
  readonly toleranceSeconds?: number;
}

/**
 * Who may call the receiver. Every configured check must pass (they combine with AND); with none configured,
 * everyone may. Secrets are lists so that an old and a new one can be active together during a rotation.
 */
export interface AuthOptions {
  /** Secret path segments: OpenIM's url becomes `http://host:10006/callbackExample/<secret>`. */
  readonly pathSecrets?: readonly string[];
  /** HTTP Basic credentials as `user:password` (OpenIM's Go client sends those of its url's userinfo). */
  readonly basic?: readonly string[];
  /** Client addresses or CIDR ranges allowed to call (IPv4 and IPv6). */
  readonly allowIps?: readonly string[];
  /**
   * Proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed: the client is the right-most address of
   * the chain that is not a trusted proxy. Without this, X-Forwarded-For is ignored.
   */
  readonly trustedProxies?: readonly string[];
  readonly signature?: NonceSignatureOptions;
  readonly bodyHmac?: BodyHmacOptions;
  /** Clock for freshness checks, epoch ms. */
  readonly now?: () => number;
}

export type AuthResult =
  { readonly ok: true; readonly url: string } | { readonly ok: false; readonly detail: string };
