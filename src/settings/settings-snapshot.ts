import type { ServerSettings } from '../domain/settings.ts';
import type { Store } from '../store/store.ts';

/** How long a read of the settings is used by code that needs them on every run. */
export const SNAPSHOT_TTL_MS = 5000;

/** One read of the settings: when it began, through which store, and whether it is done. */
interface Read {
  at: number;
  store: Store | undefined;
  value: Promise<ServerSettings>;
  done: boolean;
}

/**
 * The settings read at most every few seconds, for what needs them per run or per end (the
 * server's address, the default notices). A change is seen on the next use once forget() is
 * called (on the settings signal), within SNAPSHOT_TTL_MS in any case. A failed read is not kept.
 */
export class SettingsSnapshot {
  #read: Read | null = null;

  constructor(
    private readonly read: (store?: Store) => Promise<ServerSettings>,
    private readonly now: () => number,
  ) {}

  /**
   * The settings as read lately. Inside a transaction, pass its store: a read still under way
   * through another store is not waited for (on SQLite it waits for this very transaction).
   */
  async current(store?: Store): Promise<ServerSettings> {
    const now = this.now();
    const last = this.#read;
    const fresh = last && now - last.at < SNAPSHOT_TTL_MS && now >= last.at;
    const usable = fresh && (last.done || last.store === store);
    const read = usable ? last : this.#start(now, store);
    try {
      return await read.value;
    } catch (error) {
      if (this.#read === read) this.#read = null;
      throw error;
    }
  }

  /** Reads the settings again on the next use (they changed). */
  forget(): void {
    this.#read = null;
  }

  #start(now: number, store: Store | undefined): Read {
    const read: Read = { at: now, store, value: this.read(store), done: false };
    void read.value.then(
      () => (read.done = true),
      () => {},
    );
    this.#read = read;
    return read;
  }
}
