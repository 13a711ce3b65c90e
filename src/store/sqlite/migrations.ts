import type { Migration } from '../sql/migration.ts';

/** SQLite schema, forward only. Keep in step with postgres/migrations.ts. */
export const migrations: readonly Migration[] = [
  {
    id: '0001_initial',
    statements: [
      `create table users (
        id text primary key,
        login text not null,
        login_key text not null unique,
        display_name text not null,
        search_text text not null,
        email text,
        password_hash text,
        disabled integer not null default 0,
        created_at integer not null,
        updated_at integer not null
      )`,
      `create table user_permissions (
        user_id text not null references users(id) on delete cascade,
        permission text not null,
        primary key (user_id, permission)
      )`,
      `create table groups (
        id text primary key,
        name text not null,
        name_key text not null unique,
        created_at integer not null
      )`,
      `create table group_permissions (
        group_id text not null references groups(id) on delete cascade,
        permission text not null,
        primary key (group_id, permission)
      )`,
      `create table group_members (
        group_id text not null references groups(id) on delete cascade,
        user_id text not null references users(id) on delete cascade,
        primary key (group_id, user_id)
      )`,
      `create index group_members_user on group_members(user_id)`,
      `create table sessions (
        id text primary key,
        user_id text not null references users(id) on delete cascade,
        csrf_token text not null,
        address text not null,
        user_agent text not null,
        created_at integer not null,
        expires_at integer not null,
        last_seen_at integer not null
      )`,
      `create index sessions_user on sessions(user_id)`,
      `create table api_tokens (
        id text primary key,
        user_id text not null references users(id) on delete cascade,
        name text not null,
        token_hash text not null unique,
        prefix text not null,
        created_at integer not null,
        last_used_at integer,
        expires_at integer
      )`,
      `create index api_tokens_user on api_tokens(user_id)`,
      `create table tasks (
        id text primary key,
        owner_id text not null references users(id),
        name text not null,
        sort_name text not null,
        search_text text not null,
        description text not null,
        enabled integer not null,
        timezone text not null,
        triggers text not null,
        jobs text not null,
        actions text not null,
        series text,
        policy text not null,
        expires_at integer,
        hidden integer not null default 0,
        revision integer not null,
        created_at integer not null,
        updated_at integer not null
      )`,
      `create index tasks_owner_name on tasks(owner_id, sort_name, id)`,
      `create index tasks_name on tasks(sort_name, id)`,
      `create index tasks_owner_created on tasks(owner_id, created_at, id)`,
      `create index tasks_owner_updated on tasks(owner_id, updated_at, id)`,
      `create table runs (
        id text primary key,
        task_id text not null references tasks(id) on delete cascade,
        owner_id text not null,
        trigger_id text,
        cause text not null,
        scheduled_for integer,
        queued_at integer not null,
        started_at integer,
        finished_at integer,
        status text not null,
        reason text,
        attempt integer not null default 1,
        node text,
        lease_token text,
        lease_expires_at integer,
        parameters text not null default '{}',
        items text not null default '[]',
        results text not null default '[]',
        log text not null default ''
      )`,
      `create unique index runs_occurrence on runs(task_id, trigger_id, scheduled_for)`,
      `create index runs_task_queued on runs(task_id, queued_at)`,
      `create index runs_status on runs(status)`,
      `create table audit_events (
        id text primary key,
        at integer not null,
        actor_id text,
        actor_login text not null,
        address text not null,
        action text not null,
        object_type text not null,
        object_id text not null,
        details text not null
      )`,
      `create index audit_events_at on audit_events(at, id)`,
      `create index audit_events_object on audit_events(object_type, object_id)`,
    ],
  },
  {
    id: '0002_engine',
    statements: [
      `create table task_triggers (
        task_id text not null references tasks(id) on delete cascade,
        trigger_id text not null,
        kind text not null,
        fingerprint text not null,
        next_fire_at integer,
        follows_task_id text,
        follows_on text,
        primary key (task_id, trigger_id)
      )`,
      `create index task_triggers_due on task_triggers(next_fire_at) where next_fire_at is not null`,
      `create index task_triggers_follows on task_triggers(follows_task_id) where follows_task_id is not null`,
      `create index task_triggers_kind on task_triggers(kind)`,
      `drop index runs_occurrence`,
      `drop index runs_task_queued`,
      `drop index runs_status`,
      `alter table runs add column not_before integer`,
      `alter table runs add column cancel_requested integer not null default 0`,
      `alter table runs add column retry_of text`,
      `alter table runs add column chain text not null default '[]'`,
      // One first attempt per occurrence; retries repeat the occurrence's key.
      `create unique index runs_occurrence on runs(task_id, trigger_id, scheduled_for) where attempt = 1 and scheduled_for is not null`,
      `create index runs_queued on runs(not_before) where status = 'queued'`,
      `create index runs_active on runs(task_id) where status in ('queued', 'running')`,
      `create index runs_lease on runs(lease_expires_at) where status = 'running'`,
      `create index runs_task on runs(task_id, id)`,
      `create index runs_owner on runs(owner_id, id)`,
      `create table run_artifacts (
        id text primary key,
        run_id text not null references runs(id) on delete cascade,
        name text not null,
        media_type text not null,
        size integer not null,
        content blob not null
      )`,
      `create index run_artifacts_run on run_artifacts(run_id)`,
    ],
  },
  {
    id: '0003_settings',
    statements: [
      `create table settings (
        key text primary key,
        value text not null,
        updated_at integer not null
      )`,
      `create table data_sources (
        id text primary key,
        name text not null,
        name_key text not null unique,
        kind text not null,
        location text not null,
        password text not null,
        access text not null,
        created_at integer not null,
        updated_at integer not null
      )`,
    ],
  },
  {
    // An artifact is downloadable only by holders of the permission of the kind that made it.
    id: '0004_artifact_permission',
    statements: [`alter table run_artifacts add column permission text`],
  },
  {
    // A task replaces or deletes only the files it saved itself (shared folders stay safe).
    id: '0005_saved_files',
    statements: [
      `create table saved_files (
        folder text not null,
        name text not null,
        task_id text not null references tasks(id) on delete cascade,
        saved_at integer not null,
        primary key (folder, name)
      )`,
      `create index saved_files_task on saved_files(task_id, folder)`,
    ],
  },
  {
    // A group series lists a group's members to its members, and to all when this is set.
    id: '0006_group_usable_in_series',
    statements: [`alter table groups add column usable_in_series integer not null default 0`],
  },
  {
    // Every occurrence a trigger produced is accounted for: a record says how many it stands for.
    id: '0007_run_occurrences',
    statements: [
      `alter table runs add column occurrences integer not null default 1`,
      `update runs set occurrences = 0 where retry_of is not null`,
    ],
  },
  {
    id: '0008_run_states',
    statements: [
      // The queue's state of a run, which its status and the nullability of its lease and
      // not_before implied before (see domain/run-state.ts).
      `alter table runs add column state text not null default 'ended'
        check (state in ('ready', 'waiting', 'claimed', 'running', 'ended'))`,
      `update runs set state = case
          when status = 'running' then 'running'
          when lease_token is not null then 'claimed'
          when not_before is null then 'waiting'
          else 'ready'
        end
        where status in ('queued', 'running')`,
      `drop index runs_queued`,
      `drop index runs_active`,
      `drop index runs_lease`,
      `create index runs_ready on runs(not_before) where state = 'ready'`,
      `create index runs_live on runs(task_id) where state in ('ready', 'waiting', 'claimed', 'running')`,
      `create index runs_leased on runs(lease_expires_at) where state in ('claimed', 'running')`,
    ],
  },
  {
    id: '0009_reason_codes',
    statements: [
      // Why a run is as it is, as a code of domain/reason-codes.ts; reason stays, as its detail.
      `alter table runs add column reason_code text`,
      // Older runs get the code their reason's wording tells (the engine wrote these texts).
      `update runs set reason_code = case
          when reason = 'canceled before it started' then 'canceled'
          when reason like 'the previous run was still running%'
            or reason like 'a run was already waiting to start%' then 'overlap-skipped'
          when reason like '%(misfire policy "skip")' then 'missed-while-down'
          when reason like '%(misfire limit)' then 'misfire-limit'
          when reason like 'not run: its server stopped before its time%' then 'occurrence-gone'
          when reason like '%ran once (misfire policy "once")' then 'coalesced'
          when reason like 'retry % of %, after the run ended %' then 'retry'
          when reason = 'the series was empty' then 'series-empty'
          when reason like 'exceeded its timeout of %' then 'timed-out'
          when reason like 'its lease expired:%' then 'lease-lost'
          when reason = 'the server running it restarted' then 'server-restarted'
          when reason like 'could not start: %' then 'start-failed'
          when reason like 'series: %' then 'series-failed'
          when reason = 'the owner of the task no longer exists' then 'owner-missing'
          when reason like 'the owner ''%'' is disabled' then 'owner-disabled'
          when reason like '%needs the permission ''%'', which the owner%'
            or reason like 'the owner ''%'' no longer holds the permission%'
            then 'owner-lacks-permission'
          when status = 'partially-failed' then 'items-failed'
          when status = 'failed' then 'component-failed'
        end
        where reason is not null`,
    ],
  },
  {
    // A task is shared with users and groups at a level (domain/task-access.ts).
    id: '0010_task_grants',
    statements: [
      `create table task_user_grants (
        task_id text not null references tasks(id) on delete cascade,
        user_id text not null references users(id) on delete cascade,
        level text not null check (level in ('view', 'run', 'edit', 'manage')),
        primary key (task_id, user_id)
      )`,
      `create index task_user_grants_user on task_user_grants(user_id)`,
      `create table task_group_grants (
        task_id text not null references tasks(id) on delete cascade,
        group_id text not null references groups(id) on delete cascade,
        level text not null check (level in ('view', 'run', 'edit', 'manage')),
        primary key (task_id, group_id)
      )`,
      `create index task_group_grants_group on task_group_grants(group_id)`,
    ],
  },
  {
    // Roles are groups offered when a user is made (Planner, Operator, Administrator ship).
    id: '0011_group_roles',
    statements: [
      `alter table groups add column is_role integer not null default 0`,
      `alter table groups add column description text not null default ''`,
    ],
  },
  {
    // A password someone else chose (a new user's, a reset) is changed at the first login.
    id: '0012_password_change_required',
    statements: [`alter table users add column must_change_password integer not null default 0`],
  },
  {
    // Accounts vouched for by an LDAP directory or an OpenID provider: made at their first login.
    id: '0013_directory_users',
    statements: [
      `alter table users add column source text not null default 'local'`,
      `alter table users add column external_id text`,
      `create index users_external on users(source, external_id)`,
    ],
  },
  {
    // The outbox: mail is queued with the run's end and delivered by any node, with retries.
    // Who could manage the SMTP server may see and retry the outbox (mail.manage) after upgrading.
    id: '0014_outbox',
    statements: [
      `create table outbox (
        id text primary key,
        message_id text not null,
        run_id text,
        task_id text,
        owner_id text,
        purpose text not null,
        subject text not null,
        sender text not null,
        recipients text not null,
        server text,
        content blob not null,
        size integer not null,
        state text not null,
        attempts integer not null,
        next_attempt_at integer not null,
        expires_at integer not null,
        last_error text,
        claim_token text,
        claimed_by text,
        claim_expires_at integer,
        created_at integer not null,
        finished_at integer
      )`,
      `create index outbox_due on outbox(state, next_attempt_at)`,
      `create index outbox_run on outbox(run_id)`,
      `create index outbox_created on outbox(created_at, id)`,
      `insert into user_permissions (user_id, permission)
        select user_id, 'mail.manage' from user_permissions where permission = 'settings.manage'`,
      `insert into group_permissions (group_id, permission)
        select group_id, 'mail.manage' from group_permissions where permission = 'settings.manage'`,
    ],
  },
  {
    // Failure notices: a task's own (null: the server's default), and what each task's notices
    // remember between runs (whether it is failing, the last notice, those withheld since).
    id: '0015_run_notices',
    statements: [
      `alter table tasks add column notices text`,
      `create table task_notice_state (
        task_id text primary key references tasks(id) on delete cascade,
        failing integer not null,
        last_sent_at integer,
        withheld integer not null,
        withheld_since integer
      )`,
    ],
  },
  {
    // After-task triggers may follow several tasks (any or all of them): the tasks each follows
    // are looked up in their own table, and what it asks for is kept with the trigger.
    id: '0016_follow_several',
    statements: [
      `create table task_trigger_follows (
        task_id text not null references tasks(id) on delete cascade,
        trigger_id text not null,
        follows_task_id text not null,
        primary key (task_id, trigger_id, follows_task_id)
      )`,
      `create index task_trigger_follows_followed on task_trigger_follows(follows_task_id)`,
      `insert into task_trigger_follows (task_id, trigger_id, follows_task_id)
        select task_id, trigger_id, follows_task_id from task_triggers
        where follows_task_id is not null`,
      `alter table task_triggers add column follows text`,
      `update task_triggers
        set follows = '{"taskIds":["' || follows_task_id || '"],"on":"' || follows_on || '","all":false,"windowMs":86400000}'
        where follows_task_id is not null`,
      `drop index task_triggers_follows`,
      `alter table task_triggers drop column follows_task_id`,
      `alter table task_triggers drop column follows_on`,
    ],
  },
];
