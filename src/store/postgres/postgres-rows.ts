import type { ConversationRecord } from '../store.js';
import { toConversationRecord as fromSqliteRow } from '../rows.js';
import type { ConversationRow as SqliteConversationRow } from '../rows.js';

// Events, command stats and deliveries come back from PostgreSQL exactly as SQLite gives them (same column names,
// bigint as number, bytea as Buffer), so their mappers are shared; only the booleans of conversations differ.
export { toCommandStats, toDeliveryRecord, toEventRecord } from '../rows.js';
export type { CommandStatsRow, DeliveryRow, EventRow } from '../rows.js';

export interface ConversationRow extends Omit<SqliteConversationRow, 'is_pinned' | 'is_private_chat'> {
  is_pinned: boolean;
  is_private_chat: boolean;
}

export function toConversationRecord(row: ConversationRow): ConversationRecord {
  return fromSqliteRow({
    ...row,
    is_pinned: row.is_pinned ? 1 : 0,
    is_private_chat: row.is_private_chat ? 1 : 0,
  });
}
