import type { BrokerStatus } from '../../../shared/model/connection';

/** Holds one broker connection's status and tells listeners when its state or failure changes. */
export class StatusTracker {
  private current: BrokerStatus;
  private readonly listeners = new Set<(status: BrokerStatus) => void>();

  /**
   * `explain`: names a failure better when something in front of the broker is at fault (the SSH
   * tunnel: "tunnel down" instead of a refused connection to its loopback port); null keeps it.
   */
  constructor(
    initial: BrokerStatus,
    private readonly explain?: (failure: BrokerStatus['failure']) => BrokerStatus['failure'] | null,
  ) {
    this.current = initial;
  }

  get status(): BrokerStatus {
    return this.current;
  }

  onStatus(listener: (status: BrokerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(status: BrokerStatus): void {
    const changed = status.state !== this.current.state || status.failure?.message !== this.current.failure?.message;
    this.current = status;
    if (changed) for (const listener of this.listeners) listener(status);
  }

  /** Marks the connection down, keeping the time it first went down. */
  setDisconnected(failure: BrokerStatus['failure'], now: number): void {
    failure = this.explain?.(failure) ?? failure;
    this.set({ state: 'disconnected', since: this.current.state === 'disconnected' ? this.current.since : now, failure });
  }
}
