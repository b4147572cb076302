/**
 * Entry of the workers' thread: runs a WorkerRuntime off the host's event loop, so a saturated
 * processor never delays the UI's calls. Talks to worker-thread-host.ts by messages only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock, type Logger } from '../ports';
import { WorkerRuntime, type WorkerRuntimeConfig } from './worker-runtime';
import type { ThreadReply, ThreadRequest, ThreadEvent } from './worker-thread-protocol';
import { errorToCallError, reviveConfig } from './worker-thread-protocol';

const port = parentPort!;
const post = (message: ThreadReply | ThreadEvent) => port.postMessage(message);
const logger: Logger = {
  info: (message, fields) => post({ type: 'log', level: 'info', message, fields }),
  warn: (message, fields) => post({ type: 'log', level: 'warn', message, fields }),
  error: (message, fields) => post({ type: 'log', level: 'error', message, fields }),
};
// A rejection nobody awaited must not take every processor of the environment down with the thread.
process.on('unhandledRejection', (reason) => logger.error(`workers thread: unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`));
const runtime = new WorkerRuntime(reviveConfig(workerData as WorkerRuntimeConfig), { clock: systemClock, logger });
const viewEveryMs = 250;
/** The view, or the last one that could be made: a reply must always go out. */
let lastView = runtime.view('thread');
const safeView = () => {
  try {
    lastView = runtime.view('thread');
  } catch (error) {
    logger.error(`workers view: ${(error as Error).message}`);
  }
  return lastView;
};
const timer = setInterval(() => post({ type: 'view', view: safeView() }), viewEveryMs);

port.on('message', (request: ThreadRequest) => {
  void (async () => {
    try {
      let value: unknown;
      switch (request.op) {
        case 'start':
          value = await runtime.start(request.only, { fromStart: request.fromStart });
          break;
        case 'stop':
          await runtime.stop(request.processor);
          break;
        case 'pause':
          await runtime.pause(request.processor);
          break;
        case 'resume':
          await runtime.resume(request.processor);
          break;
        case 'configure':
          await runtime.configure(request.processor, request.settings);
          break;
        case 'destinations':
          runtime.setDestinations(request.destinations);
          break;
        case 'close':
          clearInterval(timer);
          await runtime.stop();
          break;
      }
      post({ type: 'reply', id: request.id, result: { ok: true, value }, view: safeView() });
    } catch (error) {
      post({ type: 'reply', id: request.id, result: { ok: false, error: errorToCallError(error) }, view: safeView() });
    }
  })().catch((error: unknown) => post({ type: 'reply', id: request.id, result: { ok: false, error: errorToCallError(error) }, view: safeView() }));
});
