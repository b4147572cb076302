import { z } from 'zod';
import { Silence, SilenceMatcher, SilenceSchedule } from '../../model/silences';
import { write } from '../access';
import { EnvId } from './common';

const SilenceId = z.string().min(1).max(100);

/** A silence as lists show it: its record, where it stands now, and how many alerts it covered. */
export const SilenceView = Silence.extend({
  status: z.enum(['active', 'scheduled', 'ended', 'expired']),
  /** The window in effect now, else the next one; null when none remains. */
  window: z.object({ start: z.number(), end: z.number() }).nullable(),
  /** Alerts it marked silenced so far. */
  matched: z.number().int().min(0),
});
export type SilenceView = z.infer<typeof SilenceView>;

/**
 * Silences and maintenance windows (issue 20), shared through the environment's Redis. Adding and
 * expiring change what pages the team, so both need an operator; the silence store writes their
 * team audit entry in the same script as the change (`team: false` here, like alert actions).
 */
export const silenceMethods = {
  'silences.list': {
    params: z.object({ envId: EnvId }).strict(),
    result: z.object({ envId: z.string(), silences: z.array(SilenceView), readOnly: z.boolean(), now: z.number() }),
  },
  'silences.add': write({
    params: z.object({ envId: EnvId, matchers: z.array(SilenceMatcher).min(1).max(20), schedule: SilenceSchedule, reason: z.string().trim().min(1).max(4000) }).strict(),
    result: Silence,
    access: 'operator',
    audit: { action: 'silence.add', target: (_p) => 'silence', reason: (p) => p.reason, detail: (r) => ({ id: r.id, matchers: r.matchers, schedule: r.schedule }), team: false },
  }),
  'silences.expire': write({
    params: z.object({ envId: EnvId, id: SilenceId, reason: z.string().max(4000).optional() }).strict(),
    result: Silence,
    access: 'operator',
    audit: { action: 'silence.expire', target: (p) => `silence ${p.id}`, reason: (p) => p.reason, detail: (r) => ({ id: r.id, expiredAt: r.expiredAt }), team: false },
  }),
} as const;
