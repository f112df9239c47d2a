export * from './finding.js';
export { outboxFindings } from './outbox-findings.js';
export type { DeliveryCount } from './outbox-findings.js';
export { retentionFindings } from './retention-findings.js';
export type { OldestEvent } from './retention-findings.js';
export { DIAGNOSIS_SQL } from './diagnosis-sql.js';
export { schemaFinding } from './schema-finding.js';
