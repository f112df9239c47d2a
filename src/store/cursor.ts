/** Cursors are opaque to clients: base64url of the last row's id, so that pages stay stable under inserts. */
export function encodeCursor(lastId: number): string {
  return Buffer.from(`id:${lastId}`).toString('base64url');
}

/** The id a cursor stands for, or undefined for a cursor this store never made. */
export function decodeCursor(cursor: string): number | undefined {
  const match = /^id:(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}
