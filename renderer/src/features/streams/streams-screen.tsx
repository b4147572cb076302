/** Redis streams: length, rates, consumer groups. (being built) */
export function StreamsScreen() {
  return (
    <section className="screen-section" aria-labelledby="streams-title">
      <h1 id="streams-title" className="screen-title">
        Streams
      </h1>
      <p className="empty">This screen is being built.</p>
    </section>
  );
}
