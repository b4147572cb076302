import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { OWN_PREFIX } from './broker-snapshot';

/** Hash of the test runs using these brokers now: field per run, plus a counter of starts. */
const RUNS_KEY = `${OWN_PREFIX}runs`;
const STARTS = 'starts';
/** A registration from another host this old is from a run that died without saying goodbye. */
const FOREIGN_STALE_MS = 6 * 60 * 60 * 1000;

interface RunInfo {
  host: string;
  pid: number;
  label: string;
  startedAt: number;
}

/** Removes this run; deletes the hash when no run is left (a counter alone is not worth keeping). */
const LEAVE = `
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HLEN', KEYS[1]) == 1 and redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then redis.call('DEL', KEYS[1]) end
return 1`;

function isAlive(info: RunInfo): boolean {
  if (info.host !== os.hostname()) return Date.now() - info.startedAt < FOREIGN_STALE_MS;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const describe = (info: RunInfo) => `${info.label}, pid ${info.pid} on ${info.host}, since ${new Date(info.startedAt).toISOString().slice(11, 19)} UTC`;

/** The other runs registered now (dead ones are removed on the way). */
async function otherRuns(redis: Redis, ownId: string): Promise<string[]> {
  const all = await redis.hgetall(RUNS_KEY);
  const others: string[] = [];
  for (const [id, value] of Object.entries(all)) {
    if (id === STARTS || id === ownId) continue;
    const info = JSON.parse(value) as RunInfo;
    if (isAlive(info)) others.push(describe(info));
    else await redis.hdel(RUNS_KEY, id);
  }
  return others;
}

/**
 * Registers a test run on the shared Redis so the leak check can tell whether it was alone: in CI
 * it is, and a new name at the end is this run's leak; on a developer machine shared with other
 * runs it may be theirs. `leave()` says which other runs overlapped this one and unregisters it.
 */
export async function registerRun(redis: Redis, label: string): Promise<{ leave: () => Promise<string[]> }> {
  const id = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const startsAtStart = await redis.hincrby(RUNS_KEY, STARTS, 1);
  await redis.hset(RUNS_KEY, id, JSON.stringify({ host: os.hostname(), pid: process.pid, label, startedAt: Date.now() } satisfies RunInfo));
  const atStart = await otherRuns(redis, id);
  return {
    leave: async () => {
      const atEnd = await otherRuns(redis, id);
      const startedSince = Number((await redis.hget(RUNS_KEY, STARTS)) ?? startsAtStart) - startsAtStart;
      await redis.eval(LEAVE, 1, RUNS_KEY, id, STARTS);
      const overlapping = [...new Set([...atStart, ...atEnd])];
      if (startedSince > 0 && overlapping.length === 0) overlapping.push(`${startedSince} run(s) started during this one`);
      return overlapping;
    },
  };
}
