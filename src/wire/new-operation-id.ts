let counter = 0;

/** A fresh operationID per trigger: milliseconds since the epoch and a per-process counter, all digits. */
export function newOperationId(): string {
  counter = (counter + 1) % 1_000_000;
  return `${Date.now()}${String(counter).padStart(6, '0')}`;
}
