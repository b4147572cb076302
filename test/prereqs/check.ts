import { probe, PROBE_TIMEOUT_MS } from './probes';
import { prerequisiteReport, requirements } from './requirements';

/**
 * The first step of `npm test`: checks in a few seconds that every service and program the suite
 * needs is there, so a missing one costs one line saying what to do instead of tests timing out.
 */
async function main(): Promise<number> {
  const started = Date.now();
  const env = process.env;
  const all = requirements(env);
  const guard = <T>(work: Promise<T>, fallback: T) => Promise.race([work, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), PROBE_TIMEOUT_MS + 1000).unref())]);
  const results = await Promise.all(
    all.map(async (requirement) => ({ requirement, outcome: await guard(probe(requirement.id, env), { ok: false as const, problem: `no answer within ${PROBE_TIMEOUT_MS / 1000 + 1} s` }) })),
  );
  const report = prerequisiteReport(results, process.getuid?.() === 0, Date.now() - started);
  (report.ok ? process.stdout : process.stderr).write(report.lines.join('\n') + '\n');
  return report.ok ? 0 : 1;
}

void main().then((code) => process.exit(code));
