import type { CallError, Result } from './result';

/** Every call across a boundary (WebSocket, Electron IPC, the workers thread) fails after this long unanswered. */
export const CALL_DEADLINE_MS = 30_000;

type SetTimer = (run: () => void, ms: number) => unknown;
type ClearTimer = (handle: unknown) => void;

export interface PendingCallsOptions {
  /** Who answers, for the timeout message: "the Watchfloor host did not answer …". */
  peer: string;
  deadlineMs?: number;
  /** Injected in tests; default setTimeout/clearTimeout (unref'd where the runtime has it). */
  setTimer?: SetTimer;
  clearTimer?: ClearTimer;
}

interface Call<P> {
  payload: P;
  resolve: (result: Result<unknown>) => void;
  deadline: unknown;
}

/** The runtime's timers, reached through globalThis: shared/ compiles with neither DOM nor Node types. */
const timers = globalThis as unknown as { setTimeout: (run: () => void, ms: number) => unknown; clearTimeout: (handle: unknown) => void };
const defaultSetTimer: SetTimer = (run, ms) => {
  const handle = timers.setTimeout(run, ms) as { unref?: () => void };
  // A pending call must not keep a Node process (CLI, tests) alive by itself.
  handle.unref?.();
  return handle;
};
const defaultClearTimer: ClearTimer = (handle) => timers.clearTimeout(handle);

/**
 * The one request/response bookkeeping of the project: numbered calls waiting for their answer,
 * each with the same deadline, settled once with the shared Result envelope (an answer after the
 * deadline is dropped). Used by the WebSocket and Electron transports and the workers thread host.
 */
export class PendingCalls<P = undefined> {
  private nextId = 1;
  private readonly calls = new Map<number, Call<P>>();
  private readonly deadlineMs: number;
  private readonly setTimer: SetTimer;
  private readonly clearTimer: ClearTimer;

  constructor(private readonly options: PendingCallsOptions) {
    this.deadlineMs = options.deadlineMs ?? CALL_DEADLINE_MS;
    this.setTimer = options.setTimer ?? defaultSetTimer;
    this.clearTimer = options.clearTimer ?? defaultClearTimer;
  }

  /**
   * Opens a call named `what` (the method or operation). `payloadFor` makes what is kept for
   * {@link payloads} (e.g. the frame to resend after a reconnect) from the call's id.
   */
  open(what: string, payloadFor?: (id: number) => P): { id: number; result: Promise<Result<unknown>> } {
    const id = this.nextId++;
    const payload = payloadFor?.(id) as P;
    const result = new Promise<Result<unknown>>((resolve) => {
      const deadline = this.setTimer(() => this.settle(id, { ok: false, error: this.timeoutError(what) }), this.deadlineMs);
      this.calls.set(id, { payload, resolve, deadline });
    });
    return { id, result };
  }

  /** Answers call `id`; false when it is not waiting (answered, timed out, or never opened). */
  settle(id: number, result: Result<unknown>): boolean {
    const call = this.calls.get(id);
    if (!call) return false;
    this.calls.delete(id);
    this.clearTimer(call.deadline);
    call.resolve(result);
    return true;
  }

  /** Fails every waiting call with `error` (the link dropped, the thread died, the transport closed). */
  failAll(error: CallError): void {
    for (const id of [...this.calls.keys()]) this.settle(id, { ok: false, error });
  }

  /** The payloads of the calls still waiting, oldest first. */
  payloads(): P[] {
    return [...this.calls.values()].map((call) => call.payload);
  }

  get size(): number {
    return this.calls.size;
  }

  private timeoutError(what: string): CallError {
    return { code: 'TIMEOUT', message: `${this.options.peer} did not answer "${what}" in ${Math.round(this.deadlineMs / 1000)} s` };
  }
}

/** True when `value` has the shape of a {@link Result} (for answers that crossed a boundary untyped). */
export function isResultEnvelope(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const envelope = value as { ok?: unknown; error?: unknown };
  if (envelope.ok === true) return true;
  if (envelope.ok !== false || typeof envelope.error !== 'object' || envelope.error === null) return false;
  const error = envelope.error as { code?: unknown; message?: unknown };
  return typeof error.code === 'string' && typeof error.message === 'string';
}
