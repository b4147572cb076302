import { BullQueuesPanel } from './bullmq-panel';
import { RabbitQueuesPanel } from './rabbit-queues-panel';

/** RabbitMQ queues and BullMQ queues of every environment (or the one chosen in the top bar). */
export function QueuesScreen() {
  return (
    <section className="screen-section" aria-labelledby="queues-title">
      <h1 id="queues-title" className="screen-title">
        Queues
      </h1>
      <RabbitQueuesPanel />
      <BullQueuesPanel />
    </section>
  );
}
