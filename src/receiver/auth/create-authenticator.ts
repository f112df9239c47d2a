import { decodeSegment, normaliseBasePath, splitCallbackPath } from '../callback-path.js';
import { createAddressList } from './address-list.js';
import type { AddressList } from './address-list.js';
import type { AuthOptions, AuthResult } from './auth-options.js';
import { createBodyHmacVerifier } from './body-hmac.js';
import { clientAddress } from './client-address.js';
import { matchesAny } from './safe-equal.js';
import { createNonceSignatureVerifier } from './verify-nonce-signature.js';
import type { HeaderGetter } from './verify-nonce-signature.js';

export interface AuthRequest {
  readonly url: string;
  readonly header: HeaderGetter;
  /** Null when the body grew past the limit: body binding is then left to the size check (413). */
  readonly body: Uint8Array | null;
  /** The socket's peer address. */
  readonly remoteAddress?: string | undefined;
}

export interface Authenticator {
  /** True when at least one check is configured. */
  readonly configured: boolean;
  /** The client's address after trusted-proxy handling (for allow-lists and rate limits). */
  clientOf(remoteAddress: string | undefined, header: HeaderGetter): string | undefined;
  /** Runs every configured check; on success gives the url with the secret path segment removed. */
  authenticate(request: AuthRequest): AuthResult;
}

function nonEmpty(values: readonly string[] | undefined, what: string): readonly string[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (values.some((value) => value === ''))
    throw new RangeError(`${what}: an empty secret would let everyone in`);
  return values;
}

/** Removes the secret segment (`{base}/{secret}/{command}` → `{base}/{command}`) when it is one of `secrets`. */
function stripPathSecret(url: string, base: string, secrets: readonly string[]): string | undefined {
  const split = splitCallbackPath(url, base);
  const [secret, ...rest] = split?.segments ?? [];
  if (split === undefined || secret === undefined) return undefined;
  if (!matchesAny(decodeSegment(secret), secrets)) return undefined;
  return `${[base, ...rest].join('/')}${split.query}`;
}

/**
 * Builds the authentication of a receiver from its options: every configured check must pass, cheapest first (IP,
 * path secret, Basic), then the signatures, whose replay caches remember only requests that got that far.
 *
 * @example
 * const auth = createAuthenticator({ pathSecrets: ['k7…'], allowIps: ['10.0.0.0/8'] }, '/callbackExample');
 */
export function createAuthenticator(options: AuthOptions = {}, basePath = '/callbackExample'): Authenticator {
  const base = normaliseBasePath(basePath);
  const now = options.now ?? Date.now;
  const pathSecrets = nonEmpty(options.pathSecrets, 'pathSecrets');
  const basic = nonEmpty(options.basic, 'basic');
  if (basic?.some((credential) => !credential.includes(':')))
    throw new RangeError('basic credentials are user:password');
  const allowed: AddressList | undefined = options.allowIps?.length
    ? createAddressList(options.allowIps)
    : undefined;
  const proxies: AddressList | undefined = options.trustedProxies?.length
    ? createAddressList(options.trustedProxies)
    : undefined;
  const verifySignature = options.signature
    ? createNonceSignatureVerifier(options.signature, now)
    : undefined;
  const bodyHmac = nonEmpty(options.bodyHmac?.secrets, 'bodyHmac.secrets');
  const verifyBody = bodyHmac && options.bodyHmac ? createBodyHmacVerifier(options.bodyHmac, now) : undefined;
  const configured = Boolean(pathSecrets || basic || allowed || verifySignature || verifyBody);

  const clientOf = (remoteAddress: string | undefined, header: HeaderGetter) =>
    clientAddress(remoteAddress, header('x-forwarded-for'), proxies);

  function authenticate(request: AuthRequest): AuthResult {
    let url = request.url;
    if (allowed) {
      const client = clientOf(request.remoteAddress, request.header);
      if (client === undefined || !allowed.has(client))
        return { ok: false, detail: `client address ${client ?? 'unknown'} is not allowed` };
    }
    if (pathSecrets) {
      const stripped = stripPathSecret(url, base, pathSecrets);
      if (stripped === undefined) return { ok: false, detail: 'missing or wrong secret path segment' };
      url = stripped;
    }
    if (basic) {
      const match = /^Basic\s+([A-Za-z0-9+/=]{1,2048})\s*$/i.exec(request.header('authorization') ?? '');
      const given = match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('utf8');
      if (given === undefined || !matchesAny(given, basic))
        return { ok: false, detail: 'missing or wrong HTTP Basic credentials' };
    }
    if (verifySignature) {
      const verdict = verifySignature(request.header);
      if (!verdict.ok) return verdict;
    }
    if (verifyBody && request.body !== null) {
      const verdict = verifyBody(request.header, request.body);
      if (!verdict.ok) return verdict;
    }
    return { ok: true, url };
  }

  return { configured, clientOf, authenticate };
}
