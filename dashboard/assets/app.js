// @ts-check
import { onUnauthorized, setToken } from './api.js';
import { showError } from './dom.js';
import { watchHealth } from './health.js';
import { renderCommands } from './pages/commands.js';
import { renderConversations } from './pages/conversations.js';
import { renderEvent } from './pages/event.js';
import { renderFeed } from './pages/feed.js';
import { renderSinks } from './pages/sinks.js';

/** @typedef {(main: HTMLElement, params: URLSearchParams, id: string) => (() => void) | void} Page */

/** @type {[RegExp, Page][]} */
const ROUTES = [
  [/^\/$/, renderFeed],
  [/^\/events\/([^/]+)$/, renderEvent],
  [/^\/commands$/, renderCommands],
  [/^\/conversations$/, renderConversations],
  [/^\/sinks$/, renderSinks],
];

const main = /** @type {HTMLElement} */ (document.getElementById('page'));
const tokenForm = /** @type {HTMLFormElement} */ (document.getElementById('token-form'));
/** @type {(() => void) | void} */
let cleanup;

function route() {
  cleanup?.();
  showError('');
  const [path = '/', search = ''] = (location.hash.slice(1) || '/').split('?');
  for (const link of document.querySelectorAll('header nav a')) {
    link.classList.toggle('current', link.getAttribute('href') === `#${path}`);
  }
  main.replaceChildren();
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      cleanup = page(main, new URLSearchParams(search), decodeURIComponent(match[1] ?? ''));
      return;
    }
  }
  main.textContent = 'No such page.';
}

onUnauthorized(() => {
  tokenForm.hidden = false;
  /** @type {HTMLInputElement} */ (document.getElementById('token')).focus();
});
tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  setToken(/** @type {HTMLInputElement} */ (document.getElementById('token')).value);
  tokenForm.reset();
  tokenForm.hidden = true;
  route();
});

window.addEventListener('hashchange', route);
watchHealth(/** @type {HTMLElement} */ (document.getElementById('health')));
route();
