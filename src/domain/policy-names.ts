/**
 * The names of the task policies' choices: the TypeScript types, the API's JSON Schema
 * (task-schema.ts) and the editor's choices (web) all come from these lists; the engine's rule
 * tables (engine/overlap-policy.ts, engine/fire-plan.ts) have one rule per name.
 * The first name of each list is the default of a new task (DEFAULT_POLICY).
 */

/** What happens to a run due while another run of its task is running. */
export const OVERLAP_POLICIES = ['skip', 'queue', 'parallel'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** What happens to the occurrences of a schedule that were due while no server ran them. */
export const MISFIRE_POLICIES = ['once', 'all', 'skip'] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];
