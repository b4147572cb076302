/**
 * SLA deadlines of alerts the pipeline raises. Seed 000 gives one example: a critical alert at
 * 10:30 with `sla_deadline` 11:30 — one hour. It names no other severity's SLA; for those the
 * escalation rules' own limit is used (level 3: "not resolved in 2 hours"), as the health alerts do.
 */
export const SEED_SLA_MS = { critical: 60 * 60_000, other: 2 * 60 * 60_000 } as const;

/** The SLA of an alert of `severity`, in ms after it was raised. */
export function seedSlaMs(severity: string): number {
  return severity === 'critical' ? SEED_SLA_MS.critical : SEED_SLA_MS.other;
}
