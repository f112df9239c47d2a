export { openInbox } from './open-inbox.js';
export type { Appended, DurableListener, Inbox, InboxOptions } from './open-inbox.js';
export { InboxReader } from './inbox-reader.js';
export type { InboxCursor } from './inbox-reader.js';
export type { InboxRecord } from './inbox-record.js';
export { listSegments } from './inbox-segments.js';
export { RecentKeys } from './recent-keys.js';
export { ProjectionProgress } from './projection-progress.js';
export { inboxTail } from './recover-inbox.js';

/** The inbox of a SQLite database file: a folder beside it. */
export const inboxDirOf = (databasePath: string) => `${databasePath}-inbox`;
export { lockFolder } from './lock-folder.js';
