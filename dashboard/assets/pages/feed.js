// @ts-check
import { api, query } from '../api.js';
import { h, time } from '../dom.js';
import { follow } from '../sse.js';

const MAX_ROWS = 500;

/**
 * The live feed: every callback as it arrives (Server-Sent Events, no reload), newest first, filterable by
 * command, owner and conversation. The filters live in the page's address, so a filtered feed can be bookmarked.
 * @param {HTMLElement} main
 * @param {URLSearchParams} params
 */
export function renderFeed(main, params) {
  const filters = {
    command: params.get('command') ?? '',
    ownerUserId: params.get('ownerUserId') ?? '',
    conversationId: params.get('conversationId') ?? '',
  };
  const commandSelect = h('select', { name: 'command' }, h('option', { value: '' }, 'every command'));
  const form = h(
    'form',
    { class: 'filters', id: 'feed-filters' },
    h('label', {}, 'command', commandSelect),
    h(
      'label',
      {},
      'owner',
      h('input', { name: 'ownerUserId', value: filters.ownerUserId, placeholder: 'ownerUserId' }),
    ),
    h(
      'label',
      {},
      'conversation',
      h('input', { name: 'conversationId', value: filters.conversationId, placeholder: 'si_…, sg_…' }),
    ),
    h('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(/** @type {HTMLFormElement} */ (form));
    const next = query(Object.fromEntries([...data].map(([k, v]) => [k, String(v)])));
    location.hash = `#/${next}`;
  });
  const state = h('span', { id: 'feed-state', class: 'muted' }, 'connecting…');
  const body = h('tbody', { id: 'feed-rows' });
  main.append(
    h('h2', {}, 'Live feed ', state),
    form,
    h(
      'table',
      { id: 'feed' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['received', 'command', 'operationID', 'owner', 'conversation', 'warnings'].map((t) =>
            h('th', {}, t),
          ),
        ),
      ),
      body,
    ),
  );
  void api('/api/v1/commands').then((/** @type {{ items: { callbackCommand: string }[] }} */ list) => {
    const names = new Set([...list.items.map((c) => c.callbackCommand), filters.command].filter(Boolean));
    for (const name of names)
      commandSelect.append(h('option', { value: name, selected: name === filters.command }, name));
  });

  /** @param {any} event */
  function add(event) {
    const payload = event.payload ?? {};
    const row = h(
      'tr',
      { class: 'new', 'data-event-id': String(event.id) },
      h('td', {}, time(event.receivedAt)),
      h('td', {}, h('a', { href: `#/events/${event.id}` }, event.callbackCommand)),
      h('td', {}, event.operationID),
      h('td', {}, payload.ownerUserId ?? ''),
      h('td', {}, payload.conversationId ?? ''),
      h('td', { class: 'warning' }, event.warnings.join('; ')),
    );
    body.prepend(row);
    while (body.children.length > MAX_ROWS) body.lastElementChild?.remove();
  }

  const stream = follow(
    `/api/v1/events/stream${query({ ...filters, backlog: 50 })}`,
    add,
    (s, detail) =>
      (state.textContent = s === 'open' ? 'live' : `${s}${detail ? `: ${detail}` : ''}, reconnecting…`),
  );
  return () => stream.close();
}
