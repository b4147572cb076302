import { z } from 'zod';

/** Field schemas shared by the method groups. */
export const EnvId = z.string().min(1).max(64);
export const StreamName = z.string().min(1).max(1024);
export const GroupName = z.string().min(1).max(256);
export const ConsumerName = z.string().min(1).max(256);
export const EntryId = z.string().regex(/^\d+-\d+$/, 'expected a stream entry id like 1700000000000-0');

/** The chart window of a history call: up to an hour back, thinned to at most `maxPoints`. */
export const HistoryWindow = {
  windowSeconds: z.number().int().min(60).max(3600).default(900),
  maxPoints: z.number().int().min(10).max(1000).default(300),
};

/** A chart's range past the live hour, from the environment's database: 24 h in 5-minute, 7 d in 1-hour buckets. */
export const StoredRange = z.enum(['24h', '7d']);
