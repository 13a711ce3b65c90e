import { redactSecrets } from '../secrets/protect-config.ts';
import type { RunLogger } from '../plugins/run-context.ts';
import { MAX_RUN_LOG_CHARS } from '../domain/run.ts';

/** The log of a run in progress: lines kept in memory, handed to live subscribers at once. */
export class RunLog implements RunLogger {
  #text = '';
  #dropped = 0;
  #dirty = false;
  #secrets: string[] = [];
  readonly #subscribers = new Set<(text: string) => void>();

  constructor(private readonly now: () => number) {}

  info(message: string): void {
    this.#write('INFO ', message);
  }

  warn(message: string): void {
    this.#write('WARN ', message);
  }

  error(message: string): void {
    this.#write('ERROR', message);
  }

  /** Writes these values as *** wherever a message contains them (the run's clear secrets). */
  redact(secrets: readonly string[]): void {
    this.#secrets = [...new Set([...this.#secrets, ...secrets])];
  }

  /** The text with this run's secrets written as ***. */
  redactText(text: string): string {
    return redactSecrets(text, this.#secrets);
  }

  /** The whole log so far. */
  get text(): string {
    return this.#dropped === 0
      ? this.#text
      : `${this.#text}[${this.#dropped} more lines were dropped: the log is full]\n`;
  }

  /** Whether lines came since the last call. */
  takeDirty(): boolean {
    const dirty = this.#dirty;
    this.#dirty = false;
    return dirty;
  }

  /** Receives each new piece of text; returns how to stop. */
  subscribe(listener: (text: string) => void): () => void {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  #write(level: string, message: string): void {
    const lines = this.redactText(message)
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((line) => `${new Date(this.now()).toISOString()} ${level} ${line}\n`)
      .join('');
    if (this.#text.length + lines.length > MAX_RUN_LOG_CHARS) {
      this.#dropped += 1;
      return;
    }
    this.#text += lines;
    this.#dirty = true;
    for (const subscriber of this.#subscribers) subscriber(lines);
  }
}
