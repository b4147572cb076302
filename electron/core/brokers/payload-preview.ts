import { isUtf8 } from 'node:buffer';

export interface PayloadPreview {
  /** Size of the whole payload in bytes. */
  size: number;
  /** UTF-8 text, or hex when the bytes are not text. */
  preview: string;
  encoding: 'text' | 'hex';
  /** True when the preview is cut at the limit. */
  truncated: boolean;
}

/** Control characters other than tab, newline and carriage return: a sign of binary data. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * The bytes of a message as the console shows them: UTF-8 text when they are text, hex otherwise,
 * at most `limit` bytes. A multi-byte character cut at the limit does not make a message binary.
 */
export function previewOf(bytes: Buffer, limit: number): PayloadPreview {
  let head = bytes.subarray(0, limit);
  if (bytes.length > limit) {
    let end = head.length;
    while (end > 0 && head.length - end < 3 && (head[end - 1]! & 0xc0) === 0x80) end--;
    if (end > 0 && head[end - 1]! >= 0xc0) end--;
    head = head.subarray(0, end);
  }
  const text = head.toString('utf8');
  const isText = isUtf8(head) && !CONTROL.test(text);
  return { size: bytes.length, preview: isText ? text : head.toString('hex'), encoding: isText ? 'text' : 'hex', truncated: bytes.length > head.length };
}
