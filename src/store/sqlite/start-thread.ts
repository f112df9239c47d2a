import { Worker } from 'node:worker_threads';

/**
 * Starts one of this folder's thread modules by name. Under tsx (tests) the modules are .ts files, built they are
 * .js, so the extension follows this file's own.
 */
export function startThread(name: 'sqlite-writer' | 'sqlite-checkpointer', workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(url, { workerData });
  // Tests run the sources through tsx, whose module hooks do not reach a worker by themselves on Node 20.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const boot = `import(${tsx}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** Asks a thread to finish (any message will do) and waits until it has exited. */
export async function stopThread(worker: Worker): Promise<void> {
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.postMessage('stop');
  await exited;
}
