/**
 * The dead-letter entry format on Redis DLQ streams, shared by the workers and the console's
 * "move to DLQ" action: the original entry's fields unchanged (the payload bytes stay as they
 * were), plus these metadata fields.
 */
export const DLQ_FIELDS = {
  originStream: 'dlq_origin_stream',
  originGroup: 'dlq_origin_group',
  originId: 'dlq_origin_id',
  error: 'dlq_error',
  attempts: 'dlq_attempts',
  failedAt: 'dlq_failed_at',
} as const;

/** The DLQ stream a stream dead-letters to by the seeds' naming: `{stream}.dlq`. */
export function deadLetterStreamOf(stream: string): string {
  return `${stream}.dlq`;
}
