// @ts-check
import { api, post, query } from '../api.js';
import { age, h, showError, table, time } from '../dom.js';

/**
 * Every sink: state, backlog, age of the oldest pending delivery, last error; "Retry now" for held deliveries,
 * "Enable" for a sink a 410 disabled; its dead letters with replay buttons, its held deliveries, its last attempts.
 * Refreshed every 2 s.
 * @param {HTMLElement} main
 */
export function renderSinks(main) {
  const list = h('div', { id: 'sinks' });
  const details = h('div', { id: 'sink-details' });
  main.append(h('h2', {}, 'Sinks'), list, details);
  let stopped = false;

  /** @param {Promise<unknown>} write */
  function act(write) {
    write.then(load).catch((error) => showError(String(error.message)));
  }

  /** @param {any} sink */
  async function detailsOf(sink) {
    const name = encodeURIComponent(sink.name);
    const [dead, pending, attempts] = await Promise.all([
      api(`/api/v1/deliveries${query({ sink: sink.name, status: 'dead', order: 'desc', limit: 50 })}`),
      api(`/api/v1/deliveries${query({ sink: sink.name, status: 'pending', limit: 50 })}`),
      api(`/api/v1/attempts${query({ sink: sink.name, order: 'desc', limit: 30 })}`),
    ]);
    const held = pending.items.filter((/** @type {any} */ d) => d.lastError !== null);
    return h(
      'section',
      { 'data-sink': sink.name },
      h('h3', {}, sink.name),
      sink.generatedSecret
        ? h('p', {}, 'signing secret (generated): ', h('code', {}, sink.generatedSecret))
        : '',
      h('h4', {}, `Dead letters (${sink.dead})`),
      dead.items.length === 0
        ? h('p', { class: 'muted' }, 'none')
        : h(
            'div',
            {},
            h(
              'button',
              {
                type: 'button',
                onclick: () => act(post(`/api/v1/replay${query({ dead: 'true', sink: sink.name })}`)),
              },
              'Replay every dead letter',
            ),
            table(
              {
                event: (/** @type {any} */ d) => h('a', { href: `#/events/${d.eventId}` }, d.eventId),
                attempts: (d) => d.attempts,
                'last error': (d) => d.lastError ?? '',
                'given up': (d) => time(d.settledAt),
                '': (d) =>
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'replay',
                      'data-event-id': String(d.eventId),
                      onclick: () =>
                        act(post(`/api/v1/replay${query({ eventId: d.eventId, sink: sink.name })}`)),
                    },
                    'Replay',
                  ),
              },
              dead.items,
              { class: 'dead-letters' },
            ),
          ),
      h('h4', {}, 'Held (failed, waiting for their retry)'),
      held.length === 0
        ? h('p', { class: 'muted' }, 'none')
        : table(
            {
              event: (/** @type {any} */ d) => h('a', { href: `#/events/${d.eventId}` }, d.eventId),
              attempts: (d) => d.attempts,
              'next attempt': (d) => time(d.nextAttemptAt),
              'last error': (d) => d.lastError ?? '',
              '': (d) =>
                h(
                  'button',
                  {
                    type: 'button',
                    onclick: () => act(post(`/api/v1/sinks/${name}/retry${query({ deliveryId: d.id })}`)),
                  },
                  'Retry now',
                ),
            },
            held,
          ),
      h('h4', {}, 'Last attempts'),
      table(
        {
          at: (/** @type {any} */ a) => time(a.startedAt),
          event: (a) => h('a', { href: `#/events/${a.eventId}` }, a.eventId),
          ms: (a) => a.durationMs,
          result: (a) => a.result,
          'status or error': (a) => (a.httpStatus !== null ? `HTTP ${a.httpStatus}` : (a.error ?? '')),
          answer: (a) => a.responseExcerpt ?? '',
        },
        attempts.items,
        { class: 'attempts' },
      ),
    );
  }

  async function load() {
    const sinks = await api('/api/v1/sinks');
    if (stopped) return;
    list.replaceChildren(
      sinks.items.length === 0
        ? h('p', { class: 'muted' }, 'No sinks are relayed by this instance.')
        : table(
            {
              name: (/** @type {any} */ s) => s.name,
              kind: (s) => s.kind,
              target: (s) => s.target,
              state: (s) => h('span', { class: 'sink-state' }, s.state),
              backlog: (s) => s.backlog,
              'oldest pending': (s) => age(s.oldestPendingAgeMs),
              delivered: (s) => h('span', { class: 'delivered-count' }, s.delivered),
              dead: (s) => s.dead,
              'last error': (s) => (s.lastError ? `${s.lastError} (${time(s.lastErrorAt)})` : ''),
              '': (s) =>
                h(
                  'span',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      onclick: () => act(post(`/api/v1/sinks/${encodeURIComponent(s.name)}/retry`)),
                    },
                    'Retry now',
                  ),
                  s.state === 'disabled'
                    ? h(
                        'button',
                        {
                          type: 'button',
                          onclick: () => act(post(`/api/v1/sinks/${encodeURIComponent(s.name)}/enable`)),
                        },
                        'Enable',
                      )
                    : '',
                ),
            },
            sinks.items,
            { id: 'sink-table' },
          ),
    );
    const sections = await Promise.all(sinks.items.map(detailsOf));
    if (!stopped) details.replaceChildren(...sections);
  }
  load().catch((error) => showError(String(error.message)));
  const timer = setInterval(() => load().catch(() => undefined), 2_000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
