import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Why a second server may not start on a data folder; the message says what to do. */
export class DataFolderInUse extends Error {
  constructor(dataDir: string) {
    super(
      `another server already runs on the data folder ${dataDir}: on SQLite one server owns its database (it interrupts what it finds running at start); stop the other one, or give this one a folder of its own`,
    );
    this.name = 'DataFolderInUse';
  }
}

/**
 * Makes this process the only server of a SQLite data folder until release(): an exclusive
 * lock on <dataDir>/server.lock, held by an open connection. The operating system drops the
 * lock when the process ends, however it ends, so no stale lock outlives a crash.
 */
export function lockDataFolder(dataDir: string): { release(): void } {
  const lock = new Database(join(dataDir, 'server.lock'), { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    // A write in exclusive locking mode takes the lock for as long as the connection is open.
    lock.exec('create table if not exists held (at integer); begin exclusive; commit');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DataFolderInUse(dataDir);
    throw error;
  }
  return { release: () => lock.close() };
}
