import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CodedError } from '../../shared/contract/errors';

/** How long a confirmation token is good for. */
export const CONFIRMATION_TTL_MS = 60_000;

interface Pending {
  envId: string;
  action: string;
  target: string;
  expiresAt: number;
}

/**
 * One-time confirmation tokens for destructive actions. The core issues one only after the
 * analyst typed the target's name exactly (and only when the role and the write mode allow the
 * action); the action then needs it, bound to the same environment, action and target, within a
 * minute, once. A caller that skips the confirmation step — a script, a forged call — is refused.
 */
export class ConfirmationTokens {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly now: () => number) {}

  issue(envId: string, action: string, target: string, typed: string): { token: string; expiresAt: number } {
    if (typed !== target) throw new CodedError('VALIDATION', `confirmation refused: type "${target}" exactly to confirm (you typed "${typed.slice(0, 200)}")`);
    this.sweep();
    const token = randomBytes(16).toString('hex');
    const expiresAt = this.now() + CONFIRMATION_TTL_MS;
    this.pending.set(token, { envId, action, target, expiresAt });
    return { token, expiresAt };
  }

  /** Uses up a token; refuses a missing, unknown, expired, reused or mismatched one. */
  consume(token: string | undefined, envId: string, action: string, target: string): void {
    const refuse = (why: string) => new CodedError('UNAUTHORIZED', `"${action}" on ${target} needs a confirmation: ${why}. Confirm it again (type the name).`);
    if (!token) throw refuse('none was given');
    const match = [...this.pending.keys()].find((k) => k.length === token.length && timingSafeEqual(Buffer.from(k), Buffer.from(token)));
    const pending = match ? this.pending.get(match) : undefined;
    if (!pending) throw refuse('the confirmation is unknown or was already used');
    this.pending.delete(match!);
    if (pending.expiresAt < this.now()) throw refuse('the confirmation expired');
    if (pending.envId !== envId || pending.action !== action || pending.target !== target) throw refuse('the confirmation was given for something else');
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, p] of this.pending) if (p.expiresAt < now) this.pending.delete(token);
  }
}
