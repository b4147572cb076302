import { parseArgs } from 'node:util';
import { toCsv, toJsonl } from '../../../shared/model/audit';
import { table } from '../cli-format';
import { print, unwrap, UsageError, withCore, type CliCommand } from '../cli-kit';

/** `audit`: the environment's team audit stream, or this console's own hash-chained log. */
export const auditCommand: CliCommand = {
  name: 'audit',
  usage: `  watchfloor audit --env NAME [--count N] [--csv|--jsonl|--json]   the team audit stream
  watchfloor audit --local [--count N] [--csv|--jsonl|--json]      this console's own log (its whole chain verified)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { env: { type: 'string' }, local: { type: 'boolean' }, count: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' }, jsonl: { type: 'boolean' } },
    });
    const count = values.count ? Number(values.count) : 500;
    return withCore(async (core) => {
      let rows: Record<string, unknown>[];
      let columns: string[];
      let verification: { ok: boolean; message?: string } | null = null;
      if (values.local) {
        const local = unwrap(await core.call('audit.local', { count }));
        rows = local.entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
        columns = ['seq', 'at', 'who', 'envName', 'action', 'target', 'reason', 'before', 'after', 'hash'];
        verification = local.verification;
      } else {
        if (!values.env) throw new UsageError('audit needs --env NAME (or --local)');
        const env = core.environments.find(values.env);
        await core.startRuntimes([env.id]);
        await core.whenConnected(env.id);
        rows = unwrap(await core.call('audit.team', { envId: env.id, count })).map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
        columns = ['at', 'who', 'what', 'alertId', 'reason', 'before', 'after'];
      }
      if (values.csv) process.stdout.write(toCsv(rows, columns));
      else if (values.jsonl) process.stdout.write(toJsonl(rows));
      else {
        const shown = columns.slice(0, 6);
        const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
        const chain = verification ? `\n${verification.ok ? 'hash chain verified' : `HASH CHAIN BROKEN: ${verification.message ?? ''}`}` : '';
        print(values.local ? { entries: rows, verification } : rows, values.json ?? false, () => table(shown, rows.map((r) => shown.map((c) => cell(r[c])))) + chain);
      }
      return verification && !verification.ok ? 1 : 0;
    });
  },
};
