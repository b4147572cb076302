import type { StreamOutput } from './stream-handler';

/** What the commit of one message carries. */
export interface CommitItem {
  id: string;
  dedupId: string | null;
  outputs: StreamOutput[];
  /** The message failed before (or was reclaimed): its retry counter is dropped. */
  hasAttempts?: boolean;
}
