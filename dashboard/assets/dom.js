// @ts-check
/**
 * Builds an element. Text always goes in as text nodes, never as HTML: every value shown comes from callbacks,
 * which anyone who can reach OpenIM controls.
 * @param {string} tag
 * @param {Record<string, string | boolean | ((event: Event) => void)>} [attributes]
 * @param {(Node | string | number | null | undefined)[]} children
 * @returns {HTMLElement}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/**
 * A table of rows; `columns` maps a header to the cell of a row.
 * @template T
 * @param {Record<string, (row: T) => Node | string | number | null | undefined>} columns
 * @param {T[]} rows
 * @param {Record<string, string>} [attributes]
 */
export function table(columns, rows, attributes = {}) {
  const names = Object.keys(columns);
  return h(
    'table',
    attributes,
    h('thead', {}, h('tr', {}, ...names.map((name) => h('th', {}, name)))),
    h(
      'tbody',
      {},
      ...rows.map((row) => h('tr', {}, ...names.map((name) => h('td', {}, columns[name]?.(row))))),
    ),
  );
}

/** @param {string | null | undefined} iso */
export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** @param {number | null | undefined} ms */
export function age(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Shows what went wrong (a refused call, an unreachable service); an empty message hides it. */
export function showError(/** @type {string} */ message) {
  const box = document.getElementById('error');
  if (!box) return;
  box.hidden = message === '';
  box.textContent = message;
}
