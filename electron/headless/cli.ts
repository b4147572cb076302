import { UsageError, type CliCommand } from './cli-kit';
import { alertsCommand } from './commands/alerts';
import { auditCommand } from './commands/audit';
import { demoCommand } from './commands/demo';
import { dlqCommand } from './commands/dlq';
import { replayJobsCommand } from './commands/replay-jobs';
import { envCommand } from './commands/env';
import { eventsCommand } from './commands/events';
import { searchesCommand } from './commands/searches';
import { serveCommand } from './commands/serve';
import { silencesCommand } from './commands/silences';
import { entriesCommand, queuesCommand, streamsCommand } from './commands/streams';
import { destinationsCommand, workCommand } from './commands/work';

/**
 * The `watchfloor` command line: one descriptor a command (`commands/*.ts`), in the order the help
 * lists them; the dispatcher and the help text are both made from this table. The shared parser
 * helpers, exit codes and `--json` output are in `cli-kit.ts`.
 */
const COMMANDS: readonly CliCommand[] = [serveCommand, envCommand, streamsCommand, entriesCommand, queuesCommand, demoCommand, dlqCommand, replayJobsCommand, alertsCommand, silencesCommand, searchesCommand, auditCommand, eventsCommand, workCommand, destinationsCommand];

const USAGE = `watchfloor — operations console for Redis Streams and RabbitMQ

Usage:
${COMMANDS.map((command) => command.usage).join('\n')}

Actions are recorded as "$WATCHFLOOR_ANALYST (OS user)" (or the name set in the console).

Passwords may be given inside the URLs; they are moved to the secret store, never to the
profile file. Config folder: $WATCHFLOOR_HOME or the platform's config dir.`;

/**
 * Runs one CLI command; resolves to the process exit code: 0 done, 1 failed (the error and its
 * code on stderr), 2 a usage mistake (the usage printed).
 */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(USAGE + '\n');
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`watchfloor: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const code = (error as { code?: string }).code;
    process.stderr.write(`watchfloor: error${code ? ` [${code}]` : ''}: ${(error as Error).message}\n`);
    return 1;
  }
}

const isEntryPoint = /cli\.(c?js|ts)$/.test(process.argv[1] ?? '');
if (isEntryPoint) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
