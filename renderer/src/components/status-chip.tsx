import type { Tone } from './format';

/** A coloured pill with a status in words; the colour is never the only signal. */
export function StatusChip({ tone, text, testId, title }: { tone: Tone; text: string; testId?: string; title?: string }) {
  return (
    <span className={`chip chip-${tone}`} data-testid={testId} title={title ?? text}>
      <span className="chip-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
