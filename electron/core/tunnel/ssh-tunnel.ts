// Over 400 lines on purpose: one SSH session state machine (hop chain, forwarders, keepalive, reconnect with backoff) whose state every method shares.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2, { type AnyAuthMethod, type Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { BrokerStatus, ConnectionFailure } from '../../../shared/model/connection';
import type { SshSettings } from '../environments/resolved-environment';
import type { Clock, Logger } from '../ports';
import type { Redactor } from '../redaction';
import { StatusTracker } from '../brokers/status-tracker';
import { checkKnownHostsFile, hostKeyFingerprint } from './host-key';
import { LoopbackForwarders, type Forwarder } from './loopback-forwarders';
import { acknowledgePromptly } from './prompt-ack';
import { registerNodeForwarding, targetName } from './tunnelled-nodes';

/** Deadlines and keep-alives of every SSH connection. */
export const SSH_DEADLINES = { readyMs: 10_000, keepaliveMs: 5000, keepaliveCountMax: 3, maxReconnectDelayMs: 5000 } as const;

/** An SSH failure with its name, as Test connection and the status show it. */
export class SshFailureError extends Error {
  constructor(readonly failure: ConnectionFailure) {
    super(failure.message);
    this.name = 'SshFailureError';
  }
}

export interface SshTunnelOptions {
  redactor: Redactor;
  logger?: Logger;
  clock?: Clock;
  /** The user's known_hosts, honoured when no key is pinned; null: none. Default ~/.ssh/known_hosts. */
  knownHostsFile?: string | null;
  /** Default {@link SSH_DEADLINES}.readyMs. */
  readyTimeoutMs?: number;
  /** Default {@link SSH_DEADLINES}.keepaliveMs. */
  keepaliveMs?: number;
}

interface Hop {
  host: string;
  port: number;
  user: string;
  hostKey?: string;
  /** "jump host" or "bastion", for messages. */
  role: string;
}

/** "user@host:port". */
function hopName(hop: Hop): string {
  const host = hop.host.includes(':') ? `[${hop.host}]` : hop.host;
  return `${hop.user}@${host}:${hop.port}`;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/** Names a failed channel open: the server refused forwarding, or the target is unreachable from it. */
export function classifyForwardFailure(error: unknown, bastion: string, target: string): ConnectionFailure {
  const reason = (error as { reason?: unknown }).reason;
  const detail = String((error as Error).message ?? error).replace(/^\(SSH\) Channel open failure: ?/, '');
  if (reason === 1) {
    return { kind: 'ssh-forwarding-refused', message: `${bastion} refuses to forward connections to ${target} (administratively prohibited: AllowTcpForwarding no, or a PermitOpen rule)${detail ? ` — ${detail}` : ''}` };
  }
  if (reason === 2 || reason === 3) {
    return { kind: 'ssh-target-unreachable', message: `${bastion} cannot reach ${target}${detail ? ` (${detail})` : ''}` };
  }
  return { kind: 'ssh-target-unreachable', message: `${bastion} could not open a connection to ${target}: ${detail || 'channel open failed'}` };
}

/**
 * One environment's SSH connection (through an optional jump host), shared by all of its broker
 * connections: each forwarded target gets a loopback listener (127.0.0.1, a free port) whose
 * connections are carried over the SSH connection with `forwardOut`, so ioredis, amqplib, fetch and
 * pg connect to 127.0.0.1:port unchanged (TLS inside still verifies the broker's own name).
 *
 * The SSH connection opens at the first forwarded connection, sends keep-alives, and when it drops
 * is re-established with capped backoff while listeners exist. Host keys are verified: a pinned key
 * must match (else `ssh-host-key-changed`, never re-trusted silently); without a pin the user's
 * known_hosts is consulted, and an unknown key fails with `ssh-host-key-unknown` carrying its
 * fingerprint so the user can pin it.
 */
export class SshTunnel {
  private client: Client | null = null;
  private jumpClient: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private readonly forwarders: LoopbackForwarders;
  /** Identifies this tunnel to the node maps of this thread. */
  readonly id = randomUUID();
  private readonly unregister: () => void;
  private readonly streams = new Set<net.Socket | ClientChannel>();
  /** The carried channels (the open ones of the bastion connection), for {@link acknowledgePromptly}. */
  private readonly channels = new Set<ClientChannel>();
  private readonly tracker: StatusTracker;
  private attempt = 0;
  private retryAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly clock: Clock;
  private readonly bastion: Hop;
  private readonly jump: Hop | null;

  constructor(
    readonly settings: SshSettings,
    private readonly options: SshTunnelOptions,
  ) {
    this.clock = options.clock ?? { now: Date.now };
    this.tracker = new StatusTracker({ state: 'connecting', since: this.clock.now() });
    this.bastion = { host: settings.host, port: settings.port, user: settings.user, hostKey: settings.hostKey, role: 'bastion' };
    this.jump = settings.jump ? { ...settings.jump, role: 'jump host' } : null;
    options.redactor.remember(settings.passphrase);
    options.redactor.remember(settings.password);
    this.forwarders = new LoopbackForwarders((socket, host, port) => this.carry(socket, host, port), options.logger);
    this.unregister = registerNodeForwarding(this.id, this);
  }

  /** The SSH connection's state: connecting (also before the first use), connected, or disconnected with its named failure. */
  get status(): BrokerStatus {
    return this.tracker.status;
  }

  get isUp(): boolean {
    return this.client !== null;
  }

  onStatus(listener: (status: BrokerStatus) => void): () => void {
    return this.tracker.onStatus(listener);
  }

  /** "user@bastion:port" (via the jump host), for messages. */
  get name(): string {
    return this.jump ? `${hopName(this.bastion)} via ${hopName(this.jump)}` : hopName(this.bastion);
  }

  /**
   * Why a broker connection through this tunnel failed, when the tunnel is at fault: the SSH
   * connection is down (its own failure, or `tunnel-down`), or streams to this target are refused.
   * Null when the tunnel is fine (the broker's own failure stands).
   */
  failureFor(host: string, port: number): ConnectionFailure | null {
    return this.failureOf(this.forwarders.get(host, port));
  }

  /** {@link failureFor} by the loopback port of the forwarder. */
  failureForPort(localPort: number): ConnectionFailure | null {
    return this.failureOf(this.forwarders.byPort(localPort));
  }

  /**
   * The tunnel's own failure, else a forwarder's last one, leaving out the loopback ports in
   * `excluded` (another broker's): for Redis Sentinel and Cluster, whose nodes are many forwarders.
   */
  failureExcept(excluded: ReadonlySet<number>): ConnectionFailure | null {
    const own = this.failureOf(undefined);
    if (own || this.closed) return own;
    return this.forwarders.all().find((forwarder) => forwarder.failure && !excluded.has(forwarder.port))?.failure ?? null;
  }

  private failureOf(forwarder: Forwarder | undefined): ConnectionFailure | null {
    if (this.closed) return null;
    if (this.status.state === 'disconnected') {
      const failure = this.status.failure;
      if (failure && failure.kind !== 'tunnel-down') return failure;
      return { kind: 'tunnel-down', message: `SSH tunnel ${this.name} is down, reconnecting${failure ? ` (${failure.message})` : ''}` };
    }
    return forwarder?.failure ?? null;
  }

  /**
   * The loopback port forwarding to `host:port` through the bastion (opened once per target).
   * Returns at once: the SSH connection itself opens at the first connection to the port.
   */
  async forward(host: string, port: number): Promise<number> {
    if (this.closed) throw new Error('the SSH tunnel is closed');
    return this.forwarders.forward(host, port);
  }

  /**
   * {@link forward} synchronously, for the nodes Redis discovery names (ioredis maps an address
   * at once): a target seen before keeps its port, a new one gets a spare listener bound ahead
   * ({@link reserveSpares}). Null when no spare is left; a forwarder for it is then opened in the
   * background, so the client's next attempt finds it.
   */
  forwardNow(host: string, port: number): number | null {
    return this.closed ? null : this.forwarders.forwardNow(host, port);
  }

  /**
   * Keeps `count` spare listeners bound for {@link forwardNow} (refilled as they are handed out)
   * and one that closes every connection, whose port it resolves to: where a node goes that has
   * no forwarder yet, so it is never connected to directly.
   */
  reserveSpares(count: number): Promise<number> {
    return this.forwarders.reserveSpares(count);
  }

  /** Every forwarded target's loopback port by "host:port": the record the Redis node maps read (tunnelled-nodes.ts). */
  get forwardedPorts(): Record<string, number> {
    return this.forwarders.ports;
  }

  /** Opens the SSH connection now (Test connection), or rejects with its named failure. */
  async ready(): Promise<void> {
    await this.connect(true);
  }

  /**
   * Opens one stream to `host:port` through the bastion and closes it: whether the bastion forwards
   * and reaches the target. Rejects with the named failure.
   */
  async probe(host: string, port: number, timeoutMs: number = SSH_DEADLINES.readyMs): Promise<void> {
    const client = await this.connect(true);
    const stream = await this.openChannel(client, '127.0.0.1', 0, host, port, timeoutMs);
    stream.on('error', () => undefined);
    stream.destroy();
  }

  /** Idempotent: closes the listeners, every carried stream and the SSH connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unregister();
    clearTimeout(this.timer);
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    this.channels.clear();
    await this.forwarders.close();
    this.client?.end();
    this.jumpClient?.end();
    this.client = null;
    this.jumpClient = null;
  }

  /** Carries one local connection to the target over the SSH connection; a failure closes it. */
  private carry(socket: net.Socket, host: string, port: number): void {
    socket.pause();
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    this.streams.add(socket);
    socket.once('close', () => this.streams.delete(socket));
    this.connect(false)
      .then((client) => this.openChannel(client, socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0, host, port, SSH_DEADLINES.readyMs))
      .then(
        (stream) => {
          const forwarder = this.forwarders.get(host, port);
          if (forwarder) forwarder.failure = null;
          if (socket.destroyed || this.closed) {
            stream.destroy();
            return;
          }
          this.streams.add(stream);
          this.channels.add(stream);
          stream.on('error', () => socket.destroy());
          stream.once('close', () => {
            this.streams.delete(stream);
            this.channels.delete(stream);
            socket.destroy();
          });
          socket.once('close', () => stream.destroy());
          socket.pipe(stream).pipe(socket);
          socket.resume();
        },
        (error: unknown) => {
          if (error instanceof SshFailureError && (error.failure.kind === 'ssh-forwarding-refused' || error.failure.kind === 'ssh-target-unreachable')) {
            const forwarder = this.forwarders.get(host, port);
            if (forwarder) forwarder.failure = error.failure;
          }
          socket.destroy();
        },
      );
  }

  private openChannel(client: Client, srcIp: string, srcPort: number, host: string, port: number, timeoutMs: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        reject(new SshFailureError({ kind: 'ssh-target-unreachable', message: this.options.redactor.redact(`${this.name}: no answer opening a stream to ${targetName(host, port)} within ${timeoutMs} ms`) }));
      }, timeoutMs);
      try {
        client.forwardOut(srcIp, srcPort, host, port, (error, stream) => {
          clearTimeout(timer);
          if (done) {
            stream?.destroy();
            return;
          }
          if (error) reject(new SshFailureError(this.redacted(classifyForwardFailure(error, hopName(this.bastion), targetName(host, port)))));
          else resolve(stream);
        });
      } catch (error) {
        clearTimeout(timer);
        reject(new SshFailureError({ kind: 'tunnel-down', message: this.options.redactor.redact(`${this.name}: ${(error as Error).message}`) }));
      }
    });
  }

  private redacted(failure: ConnectionFailure): ConnectionFailure {
    return { ...failure, message: this.options.redactor.redact(failure.message) };
  }

  /** The shared SSH connection, opening it if needed. Within a backoff window (`force` false) fails fast with the last failure. */
  private connect(force: boolean): Promise<Client> {
    if (this.closed) return Promise.reject(new SshFailureError({ kind: 'tunnel-down', message: 'the SSH tunnel is closed' }));
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    if (!force && this.clock.now() < this.retryAt && this.status.failure) return Promise.reject(new SshFailureError(this.status.failure));
    this.tracker.set({ state: 'connecting', since: this.status.state === 'connecting' ? this.status.since : this.clock.now(), ...(this.status.failure ? { failure: this.status.failure } : {}) });
    const attempt = this.open().then(
      ({ client, jump }) => {
        this.connecting = null;
        if (this.closed) {
          client.end();
          jump?.end();
          throw new SshFailureError({ kind: 'tunnel-down', message: 'the SSH tunnel is closed' });
        }
        this.client = client;
        this.jumpClient = jump;
        this.attempt = 0;
        this.retryAt = 0;
        this.tracker.set({ state: 'connected', since: this.clock.now() });
        this.options.logger?.info('ssh tunnel up', { tunnel: this.name });
        const onDown = (why: string) => {
          if (this.client !== client) return;
          this.client = null;
          this.jumpClient?.end();
          this.jumpClient = null;
          if (this.closed) return;
          this.options.logger?.warn('ssh tunnel down', { tunnel: this.name, why });
          this.tracker.setDisconnected({ kind: 'tunnel-down', message: this.options.redactor.redact(`SSH connection to ${this.name} lost (${why}); reconnecting`) }, this.clock.now());
          this.scheduleReconnect();
        };
        client.on('error', (error: Error) => onDown(error.message));
        client.on('close', () => onDown('closed'));
        jump?.on('close', () => {
          client.end();
          onDown('jump host connection closed');
        });
        return client;
      },
      (error: unknown) => {
        this.connecting = null;
        const failure = error instanceof SshFailureError ? error.failure : { kind: 'ssh-unreachable' as const, message: this.options.redactor.redact(`${this.name}: ${(error as Error).message}`) };
        this.tracker.setDisconnected(failure, this.clock.now());
        this.scheduleReconnect();
        throw error instanceof SshFailureError ? error : new SshFailureError(failure);
      },
    );
    this.connecting = attempt;
    return attempt;
  }

  /** Reconnects after a capped, growing delay while the tunnel is in use; a key or auth problem waits longer. */
  private scheduleReconnect(): void {
    if (this.closed || this.forwarders.size === 0) {
      this.attempt += 1;
      this.retryAt = this.clock.now() + this.delay();
      return;
    }
    this.attempt += 1;
    const delay = this.delay();
    this.retryAt = this.clock.now() + delay;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.connect(true).catch(() => undefined);
    }, delay);
    this.timer.unref?.();
  }

  private delay(): number {
    const kind = this.status.failure?.kind ?? '';
    const cap = /^ssh-(auth|host-key)/.test(kind) ? SSH_DEADLINES.maxReconnectDelayMs * 2 : SSH_DEADLINES.maxReconnectDelayMs;
    return Math.min(250 * 2 ** Math.min(this.attempt - 1, 6), cap);
  }

  /** Connects the jump host (when any), then the bastion through it. */
  private async open(): Promise<{ client: Client; jump: Client | null }> {
    if (!this.jump) {
      const client = await this.connectHop(this.bastion, undefined);
      acknowledgePromptly(client, () => this.channels);
      return { client, jump: null };
    }
    const jump = await this.connectHop(this.jump, undefined);
    try {
      const stream = await new Promise<ClientChannel>((resolve, reject) => {
        jump.forwardOut('127.0.0.1', 0, this.bastion.host, this.bastion.port, (error, channel) => {
          if (error) {
            const named = classifyForwardFailure(error, hopName(this.jump!), targetName(this.bastion.host, this.bastion.port));
            reject(new SshFailureError(this.redacted({ ...named, kind: named.kind === 'ssh-target-unreachable' ? 'ssh-unreachable' : named.kind, message: `bastion unreachable from the jump host: ${named.message}` })));
          } else resolve(channel);
        });
      });
      // The TCP socket is the jump host's: its one channel carries the bastion connection.
      acknowledgePromptly(jump, () => [stream]);
      return { client: await this.connectHop(this.bastion, stream), jump };
    } catch (error) {
      jump.end();
      throw error;
    }
  }

  /** The credentials of the configured method, or a named failure when they cannot be used. */
  private authMethod(hop: Hop): { method: AnyAuthMethod; description: string } {
    const { settings } = this;
    if (settings.auth === 'agent') {
      const agent = process.env.SSH_AUTH_SOCK;
      if (!agent) throw new SshFailureError({ kind: 'ssh-auth', message: `${hopName(hop)}: agent authentication needs an SSH agent, and SSH_AUTH_SOCK is not set` });
      return { method: { type: 'agent', username: hop.user, agent }, description: `the SSH agent's keys (${agent})` };
    }
    if (settings.auth === 'password') {
      if (!settings.password) throw new SshFailureError({ kind: 'ssh-auth', message: `${hopName(hop)}: password authentication, but no SSH password is stored` });
      return { method: { type: 'password', username: hop.user, password: settings.password }, description: 'password' };
    }
    const file = settings.keyFile?.startsWith('~/') ? path.join(os.homedir(), settings.keyFile.slice(2)) : settings.keyFile;
    if (!file) throw new SshFailureError({ kind: 'ssh-auth', message: `${hopName(hop)}: key authentication, but no private key file is set` });
    let key: Buffer;
    try {
      key = readFileSync(file);
    } catch (error) {
      throw new SshFailureError({ kind: 'ssh-auth', message: `cannot read the SSH private key file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
    const parsed = ssh2.utils.parseKey(key, settings.passphrase);
    if (parsed instanceof Error) {
      const encrypted = /encrypted|passphrase|bad decrypt/i.test(parsed.message);
      throw new SshFailureError({
        kind: 'ssh-auth',
        message: this.options.redactor.redact(encrypted ? `the SSH private key ${file} is encrypted and ${settings.passphrase ? 'the stored passphrase does not open it' : 'no passphrase is stored'}` : `cannot parse the SSH private key ${file}: ${parsed.message}`),
      });
    }
    return { method: { type: 'publickey', username: hop.user, key, ...(settings.passphrase ? { passphrase: settings.passphrase } : {}) }, description: `public key ${file}` };
  }

  /** One SSH connection to `hop` (over `sock` when given): host key verified, one authentication method, keep-alives. */
  private connectHop(hop: Hop, sock: ClientChannel | undefined): Promise<Client> {
    return new Promise<Client>((resolve, reject) => {
      let auth: { method: AnyAuthMethod; description: string };
      try {
        auth = this.authMethod(hop);
      } catch (error) {
        sock?.destroy();
        reject(error);
        return;
      }
      const client = new ssh2.Client();
      let hostKeyFailure: ConnectionFailure | null = null;
      let offered: string[] | null = null;
      let tried = false;
      let settled = false;
      const fail = (failure: ConnectionFailure) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(new SshFailureError(this.redacted(failure)));
      };
      const knownHosts = this.options.knownHostsFile === undefined ? path.join(os.homedir(), '.ssh', 'known_hosts') : this.options.knownHostsFile;
      const config: ConnectConfig = {
        host: hop.host,
        port: hop.port,
        username: hop.user,
        readyTimeout: this.options.readyTimeoutMs ?? SSH_DEADLINES.readyMs,
        keepaliveInterval: this.options.keepaliveMs ?? SSH_DEADLINES.keepaliveMs,
        keepaliveCountMax: SSH_DEADLINES.keepaliveCountMax,
        ...(sock ? { sock } : {}),
        hostVerifier: (key: Buffer) => {
          const fingerprint = hostKeyFingerprint(key);
          if (hop.hostKey) {
            if (fingerprint === hop.hostKey) return true;
            hostKeyFailure = {
              kind: 'ssh-host-key-changed',
              message: `WARNING: the host key of the ${hop.role} ${hopName(hop)} has changed — possible man-in-the-middle attack! It presented ${fingerprint}, the pinned key is ${hop.hostKey}. Refusing to connect; if the server's key really changed, pin the new key after checking it with its administrator.`,
              fingerprint,
              sshHop: hop.role === 'jump host' ? 'jump' : 'bastion',
            };
            return false;
          }
          const verdict = knownHosts ? checkKnownHostsFile(knownHosts, hop.host, hop.port, key) : { kind: 'unknown' as const };
          if (verdict.kind === 'match') return true;
          hostKeyFailure =
            verdict.kind === 'mismatch'
              ? {
                  kind: 'ssh-host-key-changed',
                  message: `WARNING: the host key of the ${hop.role} ${hopName(hop)} has changed — possible man-in-the-middle attack! It presented ${fingerprint}, which differs from ${knownHosts} line ${verdict.line}. Refusing to connect.`,
                  fingerprint,
                  sshHop: hop.role === 'jump host' ? 'jump' : 'bastion',
                }
              : {
                  kind: 'ssh-host-key-unknown',
                  message: `the ${hop.role} ${hopName(hop)} presented the host key ${fingerprint}, which is not trusted yet: check it with the server's administrator and pin it (--ssh-host-key ${fingerprint})`,
                  fingerprint,
                  sshHop: hop.role === 'jump host' ? 'jump' : 'bastion',
                };
          return false;
        },
        authHandler: (methodsLeft, _partial, next) => {
          if (methodsLeft) offered = methodsLeft;
          if (tried) return next(false as unknown as AnyAuthMethod);
          tried = true;
          return next(auth.method);
        },
      };
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        // Request/response traffic (every broker protocol): no Nagle delay on the SSH socket.
        client.setNoDelay(true);
        resolve(client);
      });
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        if (hostKeyFailure) return fail(hostKeyFailure);
        if (error.level === 'client-authentication') {
          return fail({
            kind: 'ssh-auth',
            message: `the ${hop.role} ${hopName(hop)} refused the SSH authentication: tried ${auth.description}${offered ? `; the server accepts ${offered.join(', ')}` : ''}`,
          });
        }
        if (error.level === 'agent') return fail({ kind: 'ssh-auth', message: `the SSH agent could not sign for ${hopName(hop)}: ${error.message}` });
        if (error.level === 'client-timeout') return fail({ kind: 'ssh-unreachable', message: `no SSH handshake from the ${hop.role} ${hopName(hop)} within the deadline` });
        if (error.level === 'client-socket' || error.level === 'client-dns' || (error.code && UNREACHABLE_CODES.has(error.code))) {
          return fail({ kind: 'ssh-unreachable', message: `cannot reach the ${hop.role} ${hopName(hop)} (${error.code ?? error.message})` });
        }
        return fail({ kind: 'ssh-unreachable', message: `SSH connection to the ${hop.role} ${hopName(hop)} failed: ${error.message}` });
      });
      client.on('close', () => {
        if (hostKeyFailure) return fail(hostKeyFailure);
        fail({ kind: 'ssh-unreachable', message: `the ${hop.role} ${hopName(hop)} closed the connection during the SSH handshake` });
      });
      try {
        client.connect(config);
      } catch (error) {
        fail({ kind: 'ssh-unreachable', message: `SSH connection to the ${hop.role} ${hopName(hop)} failed: ${(error as Error).message}` });
      }
    });
  }
}
