import { formatBytes } from './format';
import { MASK_MARK } from '../../../shared/model/masking';

/** A binary value whose hex the host withheld (the environment masks fields, issue 20). */
const isWithheld = (value: PreviewedValue) => value.encoding === 'hex' && value.preview.startsWith(MASK_MARK);

/** A value as the core previews it (a job's data, a stream field, a message body). */
export interface PreviewedValue {
  size: number;
  preview: string;
  encoding: 'text' | 'hex';
  truncated: boolean;
  /**
   * Whether the stored text is JSON, when the producer promised JSON (BullMQ job data): false adds
   * "not JSON: shown as stored". Left out where any text is normal (a stream field): JSON is then
   * pretty-printed when it parses, and other text shown as it is without a note.
   */
  isJson?: boolean;
}

/** A value as shown when a row is opened: JSON pretty-printed, text as it is, hex marked; a cut preview says so. */
export function showValue(value: PreviewedValue): string {
  let text = value.preview;
  if (value.isJson !== false && value.encoding === 'text' && !value.truncated && /^\s*[[{]/.test(value.preview)) {
    try {
      text = JSON.stringify(JSON.parse(value.preview), null, 2);
    } catch {
      // shown as stored
    }
  }
  const notes = [
    isWithheld(value) ? `binary, ${formatBytes(value.size)}: its hex is withheld while this environment masks fields` : value.encoding === 'hex' ? 'binary, shown as hex' : null,
    value.encoding === 'text' && value.isJson === false && !value.truncated ? 'not JSON: shown as stored' : null,
    value.truncated && !isWithheld(value) ? `first ${formatBytes(value.preview.length / (value.encoding === 'hex' ? 2 : 1))} of ${formatBytes(value.size)}` : null,
  ].filter(Boolean);
  return notes.length ? `${text}\n\n(${notes.join('; ')})` : text;
}

/** One line of a value for a table: compact, cut at `max` characters. */
export function dataLine(value: PreviewedValue, max = 120): string {
  const text = isWithheld(value) ? value.preview : value.encoding === 'hex' ? `0x${value.preview}` : value.preview.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
