/**
 * This node's room for runs: maxRuns, less the runs executing here, those claimed ahead waiting
 * for their time (OnTimeStarter), and those claimed whose launch is under way (their owners are
 * loading). When a claim finds no room the node is starved: once half the room is free again it
 * claims anew, so that one claim takes many runs.
 */
export class Room {
  #open = false;
  #starved = false;
  /** Runs claimed whose launch is under way. */
  #launching = 0;

  constructor(
    private readonly maxRuns: number,
    private readonly executing: () => number,
    private readonly waitingForTheirTime: () => number,
  ) {}

  /** Lets claims take runs (at start), or none (from stop on). */
  setOpen(open: boolean): void {
    this.#open = open;
  }

  /** How many more runs a claim may take now; none left marks the node starved. */
  free(): number {
    const busy = this.executing() + this.#launching + this.waitingForTheirTime();
    const free = this.#open ? Math.max(0, this.maxRuns - busy) : 0;
    if (free === 0) this.#starved = true;
    return free;
  }

  /** A claim ran out of room. */
  markFull(): void {
    this.#starved = true;
  }

  /** Runs were claimed: they count until launched. */
  claimed(count: number): void {
    this.#launching += count;
  }

  /** One claimed run was launched (or ended before it could start). */
  launched(): void {
    this.#launching -= 1;
  }

  /** After a run ended: whether to claim again, the node having been starved and half free now. */
  claimAgain(): boolean {
    if (!this.#starved || this.executing() + this.#launching > this.maxRuns / 2) return false;
    this.#starved = false;
    return true;
  }
}
