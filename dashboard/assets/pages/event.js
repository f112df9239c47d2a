// @ts-check
import { api, post, query } from '../api.js';
import { h, showError, table, time } from '../dom.js';

/**
 * One event: its operationID, when it arrived, the exact body bytes, its warnings, the answer OpenIM got, and its
 * deliveries with every attempt; each delivery can be replayed.
 * @param {HTMLElement} main
 * @param {URLSearchParams} _params
 * @param {string} id numeric or evt_ id
 */
export function renderEvent(main, _params, id) {
  let stopped = false;
  async function load() {
    const event = await api(`/api/v1/events/${encodeURIComponent(id)}`);
    if (stopped) return;
    main.replaceChildren(
      h('h2', {}, `Event ${event.id} `, h('span', { class: 'muted' }, event.callbackCommand)),
      h(
        'dl',
        {},
        h('dt', {}, 'operationID'),
        h('dd', { id: 'operation-id' }, event.operationID),
        h('dt', {}, 'received'),
        h('dd', {}, `${time(event.receivedAt)} (${event.receivedAt})`),
        h('dt', {}, 'event id sinks see'),
        h('dd', {}, event.eventId),
        h('dt', {}, 'kind'),
        h('dd', {}, event.kind),
        h('dt', {}, 'warnings'),
        h(
          'dd',
          { class: 'warning', id: 'warnings' },
          event.warnings.length ? event.warnings.join('; ') : 'none',
        ),
        h('dt', {}, 'our answer'),
        h('dd', { id: 'answer' }, `HTTP ${event.answer.status} ${event.answer.body}`),
      ),
      h('h3', {}, 'Body, exactly as received'),
      h('pre', { id: 'raw-body' }, event.rawBody),
      h('h3', {}, 'Deliveries'),
      event.deliveries.length === 0
        ? h('p', { class: 'muted' }, 'No sink takes this command.')
        : table(
            {
              sink: (/** @type {any} */ d) => d.sink,
              status: (d) => h('span', { class: 'delivery-status' }, d.status),
              attempts: (d) => d.attempts,
              'last error': (d) => d.lastError ?? '',
              history: (d) =>
                table(
                  {
                    at: (/** @type {any} */ a) => time(a.startedAt),
                    ms: (a) => a.durationMs,
                    result: (a) => a.result,
                    status: (a) => a.httpStatus ?? a.error ?? '',
                    answer: (a) => a.responseExcerpt ?? '',
                  },
                  d.history,
                ),
              '': (d) =>
                h(
                  'button',
                  {
                    type: 'button',
                    onclick: () =>
                      void post(`/api/v1/replay${query({ eventId: event.id, sink: d.sink })}`)
                        .then(load)
                        .catch((error) => showError(String(error.message))),
                  },
                  'Replay',
                ),
            },
            event.deliveries,
            { id: 'deliveries' },
          ),
    );
  }
  load().catch((error) => showError(String(error.message)));
  const timer = setInterval(() => load().catch(() => undefined), 3_000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
