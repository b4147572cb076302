/** BullMQ queues: job counts, charts, administration. (being built) */
export function BullQueuesPanel() {
  return <p className="empty">BullMQ queues: being built.</p>;
}
