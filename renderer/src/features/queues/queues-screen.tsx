/** RabbitMQ and BullMQ queues. (being built) */
export function QueuesScreen() {
  return (
    <section className="screen-section" aria-labelledby="queues-title">
      <h1 id="queues-title" className="screen-title">
        Queues
      </h1>
      <p className="empty">This screen is being built.</p>
    </section>
  );
}
