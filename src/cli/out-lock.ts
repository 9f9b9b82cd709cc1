// One `vae train` per --out folder: the run holds DIR/.train.lock, a file with its pid, made
// with O_EXCL (open 'wx'), so of two runs starting together exactly one creates it. A lock whose
// process is gone (killed with -9, a power cut) is stale and taken over. Taking over goes
// through a second O_EXCL file, DIR/.train.lock.takeover, so that two runs finding the same
// stale lock cannot both take it: the one that creates the takeover file re-reads the lock,
// replaces it, and deletes the takeover file; the other sees the new, live lock and is refused.
// A takeover file is held for microseconds; one whose own process is dead is removed.
// Limits: liveness is `kill(pid, 0)` on this host; a lock written on another host (a shared
// folder) is never considered stale, and the refusal says to delete it by hand.
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.train.lock';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

export class OutFolderBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // it exists, owned by someone else
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const { pid, host, started } = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof pid === 'number' && Number.isSafeInteger(pid) && typeof host === 'string'
      ? { pid, host, started: String(started) }
      : null;
  } catch {
    return null;
  }
}

/** Creates path with O_EXCL holding this process's info; false if it exists. */
function create(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, `${JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() })}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A lock nobody holds: its process is dead, or it is unreadable and older than a few seconds (a crash mid-write). */
function isStale(path: string, info: LockInfo | null): boolean {
  if (info) return info.host === hostname() && !alive(info.pid);
  try {
    return Date.now() - statSync(path).mtimeMs > 5000;
  } catch {
    return true; // gone meanwhile
  }
}

/**
 * Takes DIR's lock for this process, taking over a stale one, or throws OutFolderBusyError
 * naming the folder and the other run's pid. Returns `release` (also run at process exit).
 */
export function lockOutFolder(dir: string, flag = '--out'): { release: () => void; tookOver: LockInfo | null } {
  const path = join(dir, LOCK_FILE);
  const takeover = `${path}.takeover`;
  let tookOver: LockInfo | null = null;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (create(path)) {
      const release = () => {
        if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
      };
      process.once('exit', release);
      return {
        release: () => {
          process.off('exit', release);
          release();
        },
        tookOver,
      };
    }
    const info = readLock(path);
    if (!isStale(path, info)) {
      if (!info) continue; // being written right now: look again
      const where = info.host === hostname() ? `pid ${info.pid}` : `pid ${info.pid} on ${info.host}`;
      throw new OutFolderBusyError(
        `${flag} ${dir} is in use by another vae train (${where}, since ${info.started}); ` +
          `wait for it to end or choose another ${flag}` +
          ` (if that run is gone, delete ${path})`,
      );
    }
    // stale: take it over, one process at a time
    if (create(takeover)) {
      try {
        const again = readLock(path);
        if (isStale(path, again)) {
          tookOver = again;
          rmSync(path, { force: true });
        }
      } finally {
        unlinkSync(takeover);
      }
    } else {
      const holder = readLock(takeover);
      if (holder && holder.host === hostname() && !alive(holder.pid)) {
        // its taker died mid-takeover: move it aside (rename: only one of us succeeds)
        try {
          renameSync(takeover, `${takeover}.${process.pid}`);
          rmSync(`${takeover}.${process.pid}`, { force: true });
        } catch {
          /* another run cleared it */
        }
      }
    }
  }
  throw new OutFolderBusyError(`${flag} ${dir}: could not take its lock ${path} (it keeps changing hands)`);
}
