export * from './store.js';
export { openStore } from './open-store.js';
export { openSqliteStore } from './sqlite/sqlite-store.js';
export { InvalidCursorError } from './page-query.js';
