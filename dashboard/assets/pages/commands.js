// @ts-check
import { api, query } from '../api.js';
import { h, showError, table, time } from '../dom.js';

const MINUTE = 60_000;

/**
 * "Which commands arrive?": each command's count, first and last seen, and callbacks per minute over the last
 * three hours (uPlot, one line per command).
 * @param {HTMLElement} main
 */
export function renderCommands(main) {
  const counts = h('div', { id: 'commands' });
  const chart = h('div', { id: 'chart' });
  main.append(h('h2', {}, 'Commands'), chart, counts);
  /** @type {uPlot | undefined} */
  let plot;

  async function load() {
    const [list, minutes] = await Promise.all([
      api('/api/v1/commands'),
      api(`/api/v1/stats/minutes${query({})}`),
    ]);
    counts.replaceChildren(
      table(
        {
          command: (/** @type {any} */ c) =>
            h('a', { href: `#/${query({ command: c.callbackCommand })}` }, c.callbackCommand),
          count: (c) => c.count,
          'first seen': (c) => time(c.firstSeenAt),
          'last seen': (c) => time(c.lastSeenAt),
        },
        list.items,
      ),
    );
    const start = Math.floor(Date.parse(minutes.since) / MINUTE) * MINUTE;
    /** @type {number[]} */
    const xs = [];
    for (let t = start; t <= Date.now(); t += MINUTE) xs.push(t / 1000);
    /** @type {string[]} */
    const commands = [...new Set(minutes.items.map((/** @type {any} */ m) => m.callbackCommand))];
    const series = commands.map((command) => {
      const perMinute = new Map(
        minutes.items
          .filter((/** @type {any} */ m) => m.callbackCommand === command)
          .map((/** @type {any} */ m) => [Date.parse(m.minute) / 1000, m.count]),
      );
      return xs.map((x) => perMinute.get(x) ?? 0);
    });
    plot?.destroy();
    plot = new uPlot(
      {
        title: 'callbacks per minute, last 3 hours',
        width: Math.max(400, main.clientWidth - 20),
        height: 260,
        series: [{}, ...commands.map((label, i) => ({ label, stroke: `hsl(${(i * 67) % 360} 60% 45%)` }))],
      },
      [xs, ...series],
      chart,
    );
  }
  load().catch((error) => showError(String(error.message)));
  const timer = setInterval(() => load().catch(() => undefined), 30_000);
  return () => {
    clearInterval(timer);
    plot?.destroy();
  };
}
