// @ts-check
import { api, query } from '../api.js';
import { h, showError, table, time } from '../dom.js';

const FIELDS = ['ownerUserId', 'userId', 'groupId', 'conversationId', 'conversationType'];

/**
 * Conversations search: the query API's filters, a page at a time.
 * @param {HTMLElement} main
 * @param {URLSearchParams} params
 */
export function renderConversations(main, params) {
  const form = h(
    'form',
    { class: 'filters' },
    ...FIELDS.map((name) => h('label', {}, name, h('input', { name, value: params.get(name) ?? '' }))),
    h('button', { type: 'submit' }, 'Search'),
  );
  const results = h('div', { id: 'conversations' });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(/** @type {HTMLFormElement} */ (form));
    location.hash = `#/conversations${query(Object.fromEntries([...data].map(([k, v]) => [k, String(v)])))}`;
  });
  main.append(h('h2', {}, 'Conversations'), form, results);

  /** @param {string | undefined} cursor */
  async function show(cursor) {
    const filter = Object.fromEntries(FIELDS.map((name) => [name, params.get(name) ?? '']));
    const page = await api(`/api/v1/conversations${query({ ...filter, cursor, order: 'desc', limit: 50 })}`);
    results.replaceChildren(
      table(
        {
          owner: (/** @type {any} */ c) => c.ownerUserId,
          conversation: (c) => c.conversationId,
          type: (c) => c.conversationType,
          peer: (c) => c.userId || c.groupId,
          'last seen': (c) => time(c.lastSeenAt),
          times: (c) => c.timesSeen,
          'last command': (c) => h('a', { href: `#/events/${c.lastEventId}` }, c.lastCommand),
        },
        page.items,
      ),
      page.nextCursor
        ? h('button', { type: 'button', onclick: () => void show(page.nextCursor) }, 'Next page')
        : '',
    );
  }
  show(undefined).catch((error) => showError(String(error.message)));
}
