/** A range of group ids, both ends included. */
export interface GidRange {
  first: number;
  last: number;
}

/**
 * Gives each running program a group id of its own from a range. Programs of one user can
 * read each other's /proc entries and files; with different groups they cannot (the kernel
 * lets a process inspect another only when user and group both match), and a run's folder
 * opens to its group alone.
 */
export class RunGroups {
  readonly #inUse = new Set<number>();

  constructor(readonly range: GidRange) {}

  /** A group no running program has; throws when all are taken. */
  lease(): number {
    for (let gid = this.range.first; gid <= this.range.last; gid++) {
      if (this.#inUse.has(gid)) continue;
      this.#inUse.add(gid);
      return gid;
    }
    const size = this.range.last - this.range.first + 1;
    throw new Error(
      `all ${size} group ids of TASKPLANNER_RUN_GIDS are taken by running programs; try again later or widen the range`,
    );
  }

  /** Gives the group back, once nothing of its program is left. */
  release(gid: number): void {
    this.#inUse.delete(gid);
  }

  /** Whether a group id is in the range. */
  includes(gid: number): boolean {
    return gid >= this.range.first && gid <= this.range.last;
  }
}
