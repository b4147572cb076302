import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test receiver answers one request with. */
export interface ReceiverReply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A loopback HTTP receiver for notification tests: reads each request body whole and answers what `answer` says. */
export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

export async function startReceiver(answer: (req: IncomingMessage, body: string, base: string) => ReceiverReply): Promise<Receiver> {
  let base = '';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const reply = answer(req, body, base);
      res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
