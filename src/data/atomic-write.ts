// Writes a file so readers see the old contents or the new, never half, even across a power
// cut: the bytes go to a temp file in the same directory (so rename stays on one filesystem),
// are flushed to disk (fsync), renamed over the target, and the directory entry is flushed too.
// A process killed mid-way leaves only a temp file `.NAME.PID.*.tmp`, which
// removeStaleTemps() deletes on the next start.
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP = /^\..+\.(\d+)\.\d+\.[a-z0-9]+\.tmp$/;

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    const file = await open(temp, 'w');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDirectory(dirname(path));
}

/** Flushes a directory's entries (a rename) to disk; a no-op where directories cannot be opened (Windows). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    /* not supported on this platform: the rename is still atomic */
  } finally {
    await handle?.close();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes the temp files writeFileAtomic left in dir when its process was killed; returns their names. */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = TEMP.exec(name);
    if (!m || (Number(m[1]) !== process.pid && alive(Number(m[1])))) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
