import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page's own files: `dashboard/` at the package root, two levels above this file in src/ and in dist/ alike. */
const ASSETS = fileURLToPath(new URL('../../../dashboard/', import.meta.url));
/** uPlot ships in the package as a dependency; served from where npm put it, never from a CDN. */
const UPLOT = join(createRequire(import.meta.url).resolve('uplot/package.json'), '..', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Scripts, styles and data only from this origin; no framing (clickjacking of the replay buttons). */
export const DASHBOARD_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
} as const;

export interface DashboardFile {
  readonly type: string;
  readonly body: Buffer;
}

/** `/`, `/dashboard` and `/dashboard/`: the page itself, for a browser (a request that accepts text/html). */
export function isDashboardPage(pathname: string, accept: string | undefined): boolean {
  return ['/', '/dashboard', '/dashboard/'].includes(pathname) && /\btext\/html\b/.test(accept ?? '');
}

export function isDashboardAsset(pathname: string): boolean {
  return pathname.startsWith('/dashboard/assets/') || pathname.startsWith('/dashboard/vendor/');
}

/**
 * The file a dashboard path names, or undefined. Names are checked against a strict pattern, so no path can leave
 * the two folders (`..`, encoded slashes and the like never match).
 */
export async function dashboardFile(pathname: string): Promise<DashboardFile | undefined> {
  let file: string | undefined;
  if (!isDashboardAsset(pathname)) file = join(ASSETS, 'index.html');
  else {
    const [, folder, name] =
      /^\/dashboard\/(assets|vendor)\/((?:[a-z-]+\/)?[A-Za-z0-9.-]+\.(?:js|css|svg))$/.exec(pathname) ?? [];
    if (folder === undefined || name === undefined || name.includes('..')) return undefined;
    if (folder === 'vendor' && !['uPlot.iife.min.js', 'uPlot.min.css'].includes(name)) return undefined;
    file = folder === 'vendor' ? join(UPLOT, name) : join(ASSETS, 'assets', name);
  }
  try {
    return { type: TYPES[extname(file)] ?? 'application/octet-stream', body: await readFile(file) };
  } catch {
    return undefined;
  }
}
