/** Stops the service on SIGTERM or SIGINT once in-flight callbacks are committed (see startService's close). */
export function stopOnSignals(service: {
  logger: { info(fields: object, message: string): void };
  close(): Promise<void>;
}): void {
  const stop = (signal: string) => {
    service.logger.info({ signal }, 'shutting down: draining in-flight callbacks');
    void service.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
