/** Median and 95th percentile of a list of durations (ms). */
export function summarize(samples: number[]): { medianMs: number; p95Ms: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)), n: samples.length };
}

export const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
