import type { ColumnType, Generated } from 'kysely';
import type { RunState } from '../../domain/run-state.ts';
import type { AccessLevel } from '../../domain/task-access.ts';

// Times are stored as epoch milliseconds in both dialects, JSON as text, and
// booleans as 0/1 (SQLite integer, PostgreSQL boolean reads back true/false).
type Millis = number;
type Flag = ColumnType<number | boolean, number, number>;
type Json = string;

/** The tables as Kysely sees them; one shape for both dialects. */
export interface Database {
  settings: { key: string; value: string; updated_at: Millis };
  data_sources: {
    id: string;
    name: string;
    name_key: string;
    kind: string;
    location: string;
    password: string;
    access: string;
    created_at: Millis;
    updated_at: Millis;
  };
  users: {
    id: string;
    login: string;
    login_key: string;
    display_name: string;
    search_text: string;
    email: string | null;
    password_hash: string | null;
    disabled: Flag;
    must_change_password: Generated<number>;
    source: Generated<string>;
    external_id: string | null;
    created_at: Millis;
    updated_at: Millis;
  };
  user_permissions: { user_id: string; permission: string };
  groups: {
    id: string;
    name: string;
    name_key: string;
    created_at: Millis;
    usable_in_series: Generated<number>;
    is_role: Generated<number>;
    description: Generated<string>;
  };
  group_permissions: { group_id: string; permission: string };
  group_members: { group_id: string; user_id: string };
  sessions: {
    id: string;
    user_id: string;
    csrf_token: string;
    address: string;
    user_agent: string;
    created_at: Millis;
    expires_at: Millis;
    last_seen_at: Millis;
  };
  api_tokens: {
    id: string;
    user_id: string;
    name: string;
    token_hash: string;
    prefix: string;
    created_at: Millis;
    last_used_at: Millis | null;
    expires_at: Millis | null;
  };
  tasks: {
    id: string;
    owner_id: string;
    name: string;
    sort_name: string;
    search_text: string;
    description: string;
    enabled: Flag;
    timezone: string;
    triggers: Json;
    jobs: Json;
    actions: Json;
    series: Json | null;
    policy: Json;
    notices: Json | null;
    expires_at: Millis | null;
    hidden: Flag;
    revision: number;
    created_at: Millis;
    updated_at: Millis;
  };
  runs: {
    id: string;
    task_id: string;
    owner_id: string;
    trigger_id: string | null;
    cause: string;
    scheduled_for: Millis | null;
    occurrences: number;
    queued_at: Millis;
    started_at: Millis | null;
    finished_at: Millis | null;
    status: string;
    state: RunState;
    reason: string | null;
    reason_code: string | null;
    attempt: number;
    node: string | null;
    lease_token: string | null;
    lease_expires_at: Millis | null;
    parameters: Json;
    items: Json;
    results: Json;
    log: string;
    not_before: Millis | null;
    cancel_requested: Flag;
    retry_of: string | null;
    chain: Json;
  };
  task_triggers: {
    task_id: string;
    trigger_id: string;
    kind: string;
    fingerprint: string;
    next_fire_at: Millis | null;
    /** An after-task trigger's FollowSpec as JSON; null for other triggers. */
    follows: Json | null;
  };
  task_trigger_follows: { task_id: string; trigger_id: string; follows_task_id: string };
  saved_files: { folder: string; name: string; task_id: string; saved_at: Millis };
  task_user_grants: { task_id: string; user_id: string; level: AccessLevel };
  task_group_grants: { task_id: string; group_id: string; level: AccessLevel };
  outbox: {
    id: string;
    message_id: string;
    run_id: string | null;
    task_id: string | null;
    owner_id: string | null;
    purpose: string;
    subject: string;
    sender: string;
    recipients: Json;
    server: Json | null;
    content: Buffer;
    size: number;
    state: string;
    attempts: number;
    next_attempt_at: Millis;
    expires_at: Millis;
    last_error: string | null;
    claim_token: string | null;
    claimed_by: string | null;
    claim_expires_at: Millis | null;
    created_at: Millis;
    finished_at: Millis | null;
  };
  task_notice_state: {
    task_id: string;
    failing: Flag;
    last_sent_at: Millis | null;
    withheld: number;
    withheld_since: Millis | null;
  };
  run_artifacts: {
    id: string;
    run_id: string;
    name: string;
    media_type: string;
    size: number;
    content: Buffer;
    permission: string | null;
  };
  audit_events: {
    id: string;
    at: Millis;
    actor_id: string | null;
    actor_login: string;
    address: string;
    action: string;
    object_type: string;
    object_id: string;
    details: Json;
  };
}

/** Reads a 0/1 or boolean column. */
export function readFlag(value: number | boolean): boolean {
  return value === true || value === 1;
}

/** Writes a flag in the form both dialects accept. */
export function writeFlag(value: boolean): number {
  return value ? 1 : 0;
}
