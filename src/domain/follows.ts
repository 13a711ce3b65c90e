/** Which ends of the followed task start the follower. */
export type FollowOutcome = 'success' | 'failure' | 'always';

/**
 * What an after-task trigger follows: one or several tasks of the same owner; with several,
 * either the end of any of them starts the follower, or only once all of them have ended as
 * `on` says, each within the window (and since the follower last ran from this trigger).
 */
export interface FollowSpec {
  taskIds: string[];
  on: FollowOutcome;
  all: boolean;
  /** With all: how far back an end of each task may lie. */
  windowMs: number;
}
