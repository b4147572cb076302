import { createHash } from 'node:crypto';
import net from 'node:net';

/**
 * One query over PostgreSQL's simple-query protocol, without a client library (the suite's leak
 * check must not depend on whichever driver the product uses). Trust, cleartext and md5
 * authentication; SCRAM is refused with a clear error. Returns the first column of every row.
 */
export async function pgSimpleQuery(rawUrl: string, sql: string, timeoutMs = 5000): Promise<string[]> {
  const url = new URL(rawUrl);
  const user = decodeURIComponent(url.username || 'postgres');
  const password = decodeURIComponent(url.password);
  const database = decodeURIComponent(url.pathname.slice(1) || user);
  const socket = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 5432) });
  const rows: string[] = [];
  return new Promise<string[]>((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    let isQuerySent = false;
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`PostgreSQL at ${url.host} gave no answer within ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write(startupMessage(user, database)));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5 && buffer.length >= 1 + buffer.readInt32BE(1)) {
        const kind = String.fromCharCode(buffer[0]!);
        const body = buffer.subarray(5, 1 + buffer.readInt32BE(1));
        buffer = buffer.subarray(1 + buffer.readInt32BE(1));
        if (kind === 'R') {
          const code = body.readInt32BE(0);
          if (code === 3) socket.write(message('p', cString(password)));
          else if (code === 5) socket.write(message('p', cString(`md5${md5(md5(password + user) + body.subarray(4, 8).toString('binary'))}`)));
          else if (code !== 0) return fail(new Error(`PostgreSQL at ${url.host} asks for authentication method ${code} (SCRAM?), which this check does not speak`));
        } else if (kind === 'E') {
          return fail(new Error(`PostgreSQL: ${errorText(body)}`));
        } else if (kind === 'Z' && !isQuerySent) {
          isQuerySent = true;
          socket.write(message('Q', cString(sql)));
        } else if (kind === 'D') {
          rows.push(firstColumn(body));
        } else if (kind === 'Z') {
          socket.end(message('X', Buffer.alloc(0)));
          return resolve(rows);
        }
      }
    });
  });
}

function startupMessage(user: string, database: string): Buffer {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from(`user\0${user}\0database\0${database}\0\0`)]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([length, body]);
}

function message(kind: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(kind, 0, 'binary');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cString = (text: string) => Buffer.from(`${text}\0`);
const md5 = (text: string) => createHash('md5').update(text, 'binary').digest('hex');

function firstColumn(body: Buffer): string {
  const length = body.readInt32BE(2);
  return length < 0 ? '' : body.subarray(6, 6 + length).toString('utf8');
}

function errorText(body: Buffer): string {
  return (
    body
      .toString('utf8')
      .split('\0')
      .find((field) => field.startsWith('M'))
      ?.slice(1) ?? 'error'
  );
}
