/** Queue-health rules and what is firing. (being built) */
export function RulesScreen() {
  return (
    <section className="screen-section" aria-labelledby="rules-title">
      <h1 id="rules-title" className="screen-title">
        Rules
      </h1>
      <p className="empty">This screen is being built.</p>
    </section>
  );
}
