import type { MethodName, ParamsOf, PayloadOf, Result, ResultOf, TopicName } from '../../../shared/contract';
import type { Transport, TransportKind } from './transport';

/** The renderer's typed view of the contract; the same for both transports. */
export interface WatchfloorClient {
  readonly transport: TransportKind;
  /** Never rejects: every failure, domain or transport, is an `{ ok: false }` Result. */
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>>;
  on<T extends TopicName>(topic: T, listener: (payload: PayloadOf<T>) => void): () => void;
}

/** Adds the contract's types to an untyped transport. The host is trusted: results are not re-parsed. */
export function createClient(transport: Transport): WatchfloorClient {
  return {
    transport: transport.kind,
    call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
      return transport.call(method, params) as Promise<Result<ResultOf<M>>>;
    },
    on<T extends TopicName>(topic: T, listener: (payload: PayloadOf<T>) => void): () => void {
      return transport.on(topic, listener as (payload: unknown) => void);
    },
  };
}
