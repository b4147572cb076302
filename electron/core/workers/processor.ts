import type { ProcessorName, ProcessorSettings, ProcessorStatus } from '../../../shared/model/workers';

/**
 * One pipeline processor running in this process (a Redis Streams consumer group member or a
 * RabbitMQ competing consumer). The worker runtime creates them; the Workers view and
 * `watchfloor work` control them through this interface only.
 */
export interface Processor {
  readonly name: ProcessorName;
  /** Declares its consumer group ahead of `start`: every processor of one start does so before any consumes. */
  prepare?(): Promise<void>;
  /** Declares its group / topology and begins consuming. Never rejects: a broker that is down shows as `failing`. */
  start(): Promise<void>;
  /** Takes nothing new; in-flight work finishes and is acknowledged. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Idempotent. Unacknowledged entries stay pending for another consumer (nothing is lost). */
  stop(): Promise<void>;
  /** Concurrency and batch size; applied to the running loops. */
  configure(settings: Partial<ProcessorSettings>): Promise<void>;
  status(): ProcessorStatus;
}
