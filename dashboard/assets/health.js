// @ts-check
import { withToken } from './api.js';

/** Metrics that say how far behind the projections are, when the service has them. */
const LAG_METRICS = ['openim_hooks_projection_lag_events', 'openim_hooks_projection_lag_seconds'];

/**
 * The header badge: /readyz every 5 s (ready, degraded with the spool's depth, unavailable), with every number it
 * carries (a projection lag, when the store reports one) and the lag metrics when /metrics has them.
 * @param {HTMLElement} badge
 */
export function watchHealth(badge) {
  async function look() {
    try {
      const response = await fetch('/readyz');
      /** @type {Record<string, unknown>} */
      const body = await response.json();
      const facts = Object.entries(body)
        .filter(([key, value]) => key !== 'status' && (typeof value === 'number' || key === 'reason'))
        .map(([key, value]) => `${key} ${value}`);
      const metrics = await fetch('/metrics', withToken()).then((r) => (r.ok ? r.text() : ''));
      for (const name of LAG_METRICS) {
        const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1];
        if (value !== undefined) facts.push(`${name.replace('openim_hooks_', '')} ${value}`);
      }
      badge.dataset['state'] = String(body['status']);
      badge.textContent = [String(body['status']), ...facts].join(' · ');
    } catch {
      badge.dataset['state'] = 'unavailable';
      badge.textContent = 'service unreachable';
    }
  }
  void look();
  setInterval(look, 5_000);
}
