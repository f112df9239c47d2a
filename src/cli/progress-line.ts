/**
 * A progress line on stderr, rewritten in place a few times a second, only when stderr is a terminal (a pipe or a
 * log file gets nothing, so output redirected to a file stays clean).
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const live = stream.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(text: () => string): void {
      if (!live) return;
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      shown = true;
      stream.write(`\r${text()}\x1b[K`);
    },
    done(text: string): void {
      if (live) stream.write(`${shown ? '\r' : ''}${text}\x1b[K\n`);
    },
  };
}
