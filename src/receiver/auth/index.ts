export { createAuthenticator } from './create-authenticator.js';
export type { Authenticator, AuthRequest } from './create-authenticator.js';
export { isPublicKeyAlgorithm, SIGNATURE_ALGORITHMS } from './auth-options.js';
export type {
  AuthOptions,
  BodyHmacOptions,
  NonceSignatureOptions,
  SignatureAlgorithm,
} from './auth-options.js';
export { signBody, BODY_SIGNATURE_HEADER, BODY_TIMESTAMP_HEADER } from './body-hmac.js';
export { createAddressList, normaliseAddress } from './address-list.js';
export type { AddressList } from './address-list.js';
export { safeEqual, matchesAny } from './safe-equal.js';
export { ReplayCache } from './replay-cache.js';
