/** RabbitMQ queues: depth, rates, charts, purge. (being built) */
export function RabbitQueuesPanel() {
  return <p className="empty">RabbitMQ queues: being built.</p>;
}
