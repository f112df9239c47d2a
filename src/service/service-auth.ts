import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isPublicKeyAlgorithm } from '../receiver/index.js';
import type { AuthOptions } from '../receiver/index.js';
import { ConfigError } from './config.js';
import type { ServiceConfig } from './config.js';

/** 127.0.0.0/8, ::1 and `localhost`: only processes of this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** A PEM key given inline, or the path of a file holding it. */
function pemOf(entry: string): string {
  if (entry.includes('-----BEGIN')) return entry;
  try {
    return readFileSync(entry, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `signatureKeys: cannot read ${entry}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The receiver's authentication from the service settings. */
export function authOptionsOf(config: ServiceConfig): AuthOptions {
  const options: { -readonly [K in keyof AuthOptions]: AuthOptions[K] } = {};
  if (config.pathSecrets.length > 0) options.pathSecrets = config.pathSecrets;
  if (config.basicAuth.length > 0) options.basic = config.basicAuth;
  if (config.allowIps.length > 0) options.allowIps = config.allowIps;
  if (config.trustedProxies.length > 0) options.trustedProxies = config.trustedProxies;
  if (config.signatureAlgorithm !== 'none') {
    if (config.signatureKeys.length === 0)
      throw new ConfigError('signatureAlgorithm is set but signatureKeys is empty');
    options.signature = {
      algorithm: config.signatureAlgorithm,
      keys: isPublicKeyAlgorithm(config.signatureAlgorithm)
        ? config.signatureKeys.map(pemOf)
        : config.signatureKeys,
      signatureHeader: config.signatureHeader,
      nonceHeader: config.nonceHeader,
      toleranceSeconds: config.signatureToleranceSeconds,
      ...(config.timestampHeader ? { timestampHeader: config.timestampHeader } : {}),
    };
  }
  if (config.bodyHmacSecrets.length > 0) {
    options.bodyHmac = {
      secrets: config.bodyHmacSecrets,
      toleranceSeconds: config.signatureToleranceSeconds,
    };
  }
  return options;
}

/**
 * Refuses a start that would let anyone on the network write events: a non-loopback host with no authentication,
 * unless the operator said so explicitly.
 */
export function checkExposure(config: ServiceConfig, authenticates: boolean): void {
  if (isLoopbackHost(config.host) || authenticates || config.allowUnauthenticated) return;
  throw new ConfigError(
    `refusing to listen on ${config.host} with no authentication: set pathSecrets, basicAuth, allowIps, ` +
      'signatureAlgorithm or bodyHmacSecrets (see SECURITY.md), or pass --allow-unauthenticated',
  );
}
