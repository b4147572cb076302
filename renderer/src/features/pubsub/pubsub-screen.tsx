/** Redis pub/sub channels. (being built) */
export function PubSubScreen() {
  return (
    <section className="screen-section" aria-labelledby="pubsub-title">
      <h1 id="pubsub-title" className="screen-title">
        PubSub
      </h1>
      <p className="empty">This screen is being built.</p>
    </section>
  );
}
