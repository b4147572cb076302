// `npm run bench`: each benchmark prints one JSON line, compared against its raw baseline
// measured in the same run. Not pass/fail: the figures go into the issue notes.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBullmq } from './bullmq.bench';
import { benchMonitor } from './monitor.bench';
import { benchRenderer } from './renderer.bench';
import { benchDlq } from './dlq.bench';
import { benchAlerts } from './alerts.bench';
import { benchRabbitDlq } from './rabbit-dlq.bench';
import { benchEventPipeline } from './event-pipeline.bench';
import { benchUiResponsiveness } from './ui-responsiveness.bench';
import { benchAmqpConsume } from './amqp-consume.bench';
import { benchDbSink } from './db-sink.bench';
import { benchEventsQuery } from './events-query.bench';
import { benchTunnel } from './tunnel.bench';
import { benchStreamEntries } from './stream-entries.bench';
import { benchAuditLog } from './audit-log.bench';
import { benchDlqSearch } from './dlq-search.bench';
import { benchAckPropagation } from './ack-propagation.bench';
import { benchMasking } from './masking.bench';
import { benchReplayJob } from './replay-job.bench';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);

if (wanted('monitor')) process.stdout.write(JSON.stringify(await benchMonitor()) + '\n');
if (wanted('memory')) {
  process.stdout.write(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(here, 'memory-child.ts')], { encoding: 'utf8' }));
}
if (wanted('renderer')) process.stdout.write(JSON.stringify(await benchRenderer()) + '\n');
if (wanted('bullmq')) process.stdout.write(JSON.stringify(await benchBullmq()) + '\n');
if (wanted('dlq')) process.stdout.write(JSON.stringify(await benchDlq()) + '\n');
if (wanted('alerts')) process.stdout.write(JSON.stringify(await benchAlerts()) + '\n');
if (wanted('rabbit-dlq')) process.stdout.write(JSON.stringify(await benchRabbitDlq()) + '\n');
if (wanted('event-pipeline')) process.stdout.write(JSON.stringify(await benchEventPipeline()) + '\n');
if (wanted('ui-responsiveness')) process.stdout.write(JSON.stringify(await benchUiResponsiveness()) + '\n');
if (wanted('amqp-consume')) process.stdout.write(JSON.stringify(await benchAmqpConsume()) + '\n');
if (wanted('db-sink')) process.stdout.write(JSON.stringify(await benchDbSink()) + '\n');
if (wanted('events-query')) process.stdout.write(JSON.stringify(await benchEventsQuery()) + '\n');
if (wanted('stream-entries')) process.stdout.write(JSON.stringify(await benchStreamEntries()) + '\n');
if (wanted('masking')) process.stdout.write(JSON.stringify(await benchMasking()) + '\n');
if (wanted('audit-log')) process.stdout.write(JSON.stringify(await benchAuditLog()) + '\n');
if (wanted('ack-propagation')) process.stdout.write(JSON.stringify(await benchAckPropagation()) + '\n');
if (wanted('dlq-search')) process.stdout.write(JSON.stringify(await benchDlqSearch()) + '\n');
if (wanted('replay-job')) process.stdout.write(JSON.stringify(await benchReplayJob()) + '\n');
if (wanted('tunnel')) process.stdout.write(JSON.stringify(await benchTunnel()) + '\n');
