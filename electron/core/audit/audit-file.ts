import { promises as fs, type Stats } from 'node:fs';

/** How much of the file one read takes, forwards or backwards. */
const CHUNK = 256 * 1024;
const NEWLINE = 0x0a;

/** One complete line of the file (its trailing newline excluded) and where it sits, in bytes. */
export type FileLine = { text: string; start: number; end: number };

/** The file's stats, or null when it does not exist. */
export async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await fs.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function openOrNull(file: string): Promise<fs.FileHandle | null> {
  try {
    return await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Calls `onLine` for every complete line between byte `from` (a line start) and the end of the
 * file, in order, reading CHUNK bytes at a time. A last line without its newline (being written,
 * or torn by a crash) is not complete and not passed. `onLine` returns false to stop. Returns the
 * byte offset just past the last line passed.
 */
export async function forEachLine(file: string, from: number, onLine: (line: FileLine) => boolean): Promise<number> {
  const handle = await openOrNull(file);
  if (!handle) return from;
  try {
    let position = from;
    let carry: Buffer = Buffer.alloc(0);
    let carryStart = from;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, position);
      if (bytesRead === 0) return carryStart;
      position += bytesRead;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let lineStart = 0;
      for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, lineStart)) {
        const line = { text: data.toString('utf8', lineStart, nl), start: carryStart + lineStart, end: carryStart + nl + 1 };
        lineStart = nl + 1;
        if (!onLine(line)) return line.end;
      }
      carry = Buffer.from(data.subarray(lineStart));
      carryStart += lineStart;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The complete lines before byte `end` (a line boundary), newest first, read backwards CHUNK bytes
 * at a time, until `accept` has taken `count` of them or the file's start is reached.
 */
export async function linesBackwards(file: string, end: number, count: number, accept: (line: FileLine) => boolean): Promise<number> {
  const handle = await openOrNull(file);
  if (!handle || count <= 0) {
    await handle?.close();
    return 0;
  }
  let taken = 0;
  try {
    let position = end;
    let carry: Buffer = Buffer.alloc(0); // the start of a line whose beginning is further back
    let isTrimming = true;
    while (position > 0 && taken < count) {
      const size = Math.min(CHUNK, position);
      position -= size;
      const chunk = Buffer.allocUnsafe(size);
      await readFully(handle, chunk, position);
      const data = carry.length ? Buffer.concat([chunk, carry]) : chunk;
      let lineEnd = data.length;
      if (isTrimming) {
        // A last line without its newline is being written (or torn): not a complete line.
        lineEnd = data.lastIndexOf(NEWLINE) + 1;
        if (lineEnd === 0) continue;
        isTrimming = false;
      }
      for (let nl = newlineBefore(data, lineEnd - 2); ; nl = newlineBefore(data, lineEnd - 2)) {
        if (nl === -1 && position > 0) break; // the line goes on before this chunk
        const lineStart = nl + 1;
        if (lineEnd - lineStart > 1 && accept({ text: data.toString('utf8', lineStart, lineEnd - 1), start: position + lineStart, end: position + lineEnd })) taken++;
        lineEnd = lineStart;
        if (taken >= count || nl === -1) break;
      }
      carry = Buffer.from(data.subarray(0, lineEnd));
    }
    return taken;
  } finally {
    await handle.close();
  }
}

/** The bytes [start, end) of the file, or null if the file is shorter. */
export async function readRange(file: string, start: number, end: number): Promise<string | null> {
  const handle = await openOrNull(file);
  if (!handle) return null;
  try {
    const buffer = Buffer.allocUnsafe(end - start);
    const read = await readFully(handle, buffer, start);
    return read === buffer.length ? buffer.toString('utf8') : null;
  } finally {
    await handle.close();
  }
}

/**
 * The line boundary before which every line's key is below `key`, found by bisection over byte
 * offsets (the keys, sequence numbers here, grow along the file), so paging back through a large
 * log reads a few chunks, not the whole file. `keyOf` returns null for a line it cannot read.
 */
export async function boundaryBefore(file: string, size: number, key: number, keyOf: (text: string) => number | null): Promise<number> {
  let low = 0; // a line start whose line's key is below `key` (or 0)
  let high = size; // a line boundary at or after which keys are >= `key`
  while (high - low > CHUNK) {
    const middle = Math.floor((low + high) / 2);
    // The first complete line starting after `middle`.
    let found: FileLine | null = null;
    let skippedPartial = middle === 0;
    await forEachLine(file, middle, (line) => {
      if (!skippedPartial) {
        skippedPartial = true;
        return true;
      }
      found = line;
      return false;
    });
    const line = found as FileLine | null;
    if (!line || line.start >= high) {
      high = middle;
      continue;
    }
    const lineKey = keyOf(line.text);
    if (lineKey !== null && lineKey < key) low = line.end;
    else high = line.start;
  }
  // Within one chunk: walk forward to the exact boundary.
  let boundary = low;
  await forEachLine(file, low, (line) => {
    if (line.start >= high) return false;
    const lineKey = keyOf(line.text);
    if (lineKey !== null && lineKey >= key) return false;
    boundary = line.end;
    return true;
  });
  return boundary;
}

/** The last newline at or before `index` (-1 when none; a negative index would count from the end). */
function newlineBefore(data: Buffer, index: number): number {
  return index < 0 ? -1 : data.lastIndexOf(NEWLINE, index);
}

async function readFully(handle: fs.FileHandle, buffer: Buffer, position: number): Promise<number> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, position + offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return offset;
}
