import { stat } from 'node:fs/promises';
import { auditEvent } from '../domain/audit.ts';
import { validationError, type FieldIssue } from '../domain/errors.ts';
import { PERMISSIONS } from '../domain/permissions.ts';
import { networkIssues, normalizedNetworks } from '../domain/network-policy.ts';
import {
  DEFAULT_SETTINGS,
  limitsOf,
  type ServerSettings,
  type SmtpSettings,
} from '../domain/settings.ts';
import { SettingsPatch, SmtpInput } from '../domain/settings-schema.ts';
import { compileValidator } from '../domain/validation.ts';
import { requirePermission, type Caller } from '../auth/caller.ts';
import {
  MaskedSecretError,
  maskSecrets,
  openSecrets,
  sealSecrets,
} from '../secrets/protect-config.ts';
import { SECRET_MASK, type SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import { realFolder } from './folder-access.ts';
import { SettingsSnapshot } from './settings-snapshot.ts';
import { coerceError } from '../domain/coerce-error.ts';
import type { TaskGrant } from '../domain/task-access.ts';
import type { RunNotices } from '../domain/run-notices.ts';
import { noticesOf } from '../notices/notice-input.ts';
import { requireKnownSubjects } from '../tasks/grant-subjects.ts';

const validatePatch = compileValidator(SettingsPatch);

type SmtpPatch = NonNullable<SettingsPatch['smtp']>;

/**
 * Server-wide settings: the default SMTP server, the folders and the networks tasks may use,
 * and what one user may put on the server.
 */
export class SettingsService {
  /** The settings as read lately, for what needs them on every run or end. */
  readonly #recent = new SettingsSnapshot(
    (store) => this.current(store),
    () => this.now().getTime(),
  );

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly now: () => Date,
  ) {}

  /** The settings with secrets in clear, for runs; read through store inside its transaction. */
  async current(store: Store = this.store): Promise<ServerSettings> {
    const stored = await this.#stored(store);
    return {
      ...stored,
      smtp: stored.smtp && (openSecrets(this.box, SmtpInput, stored.smtp) as SmtpSettings),
    };
  }

  /**
   * The settings as read lately (at most a few seconds ago, or since they last changed), for
   * code that needs them on every run; read through store inside its transaction.
   */
  recent(store?: Store): Promise<ServerSettings> {
    return this.#recent.current(store);
  }

  /** Reads the settings again on the next recent() (another node changed them). */
  forgetRecent(): void {
    this.#recent.forget();
  }

  /** The settings as an administrator sees them: secrets masked. */
  async get(caller: Caller): Promise<ServerSettings> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    return masked(await this.#stored());
  }

  async update(caller: Caller, raw: unknown): Promise<ServerSettings> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const patch = validatePatch(raw);
    const now = this.now();
    const networks = checkedNetworks(patch);
    const folderRoots = patch.folderRoots && (await checkedRoots(patch.folderRoots));
    return this.store.transaction(async (store) => {
      const before = await this.#stored(store);
      const changes: Partial<ServerSettings> = {};
      if (patch.smtp !== undefined) changes.smtp = this.#sealedSmtp(patch.smtp, before.smtp);
      if (folderRoots) changes.folderRoots = folderRoots;
      Object.assign(changes, networks);
      if (patch.allowPlaintextSmtp !== undefined) {
        changes.allowPlaintextSmtp = patch.allowPlaintextSmtp;
      }
      if (patch.mailRetryHours !== undefined) changes.mailRetryHours = patch.mailRetryHours;
      // Each limit sent replaces its value; the limits not sent stay as they are.
      if (patch.limits) changes.limits = { ...before.limits, ...patch.limits };
      if (patch.newTaskGrants) {
        // They reach every task made from now on: an administrator of all tasks decides them.
        requirePermission(caller, PERMISSIONS.plannerAdmin);
        await requireKnownSubjects(store, patch.newTaskGrants, '/newTaskGrants', null);
        changes.newTaskGrants = patch.newTaskGrants;
      }
      if (patch.notices || patch.publicUrl !== undefined) {
        // Notices of every task (their reasons, their logs' ends) and the links in them: an
        // administrator of all tasks decides where they go.
        requirePermission(caller, PERMISSIONS.plannerAdmin);
      }
      if (patch.notices) {
        const issues: FieldIssue[] = [];
        changes.notices = noticesOf(patch.notices, '/notices', issues);
        if (issues.length > 0) throw validationError(issues);
      }
      if (patch.publicUrl !== undefined) {
        changes.publicUrl = patch.publicUrl && patch.publicUrl.replace(/\/+$/, '');
      }
      for (const [key, value] of Object.entries(changes)) await store.settings.set(key, value, now);
      store.afterCommit(() => this.#recent.forget());
      await store.publish({ type: 'settings' });
      const details = { changed: Object.keys(changes) };
      await store.audit.append(
        auditEvent(caller.actor, now, 'settings.update', 'settings', 'server', details),
      );
      return masked({ ...before, ...changes });
    });
  }

  #sealedSmtp(input: SmtpPatch | null, before: SmtpSettings | null): SmtpSettings | null {
    if (input === null) return null;
    // Left out, the password stays as it was (or empty when there was none).
    const password = input.password ?? (before?.password ? SECRET_MASK : '');
    // Defaults are not filled in inside the smtp-or-null union: left out, plain text stays refused.
    const server = { ...input, allowPlaintext: input.allowPlaintext ?? false, password };
    try {
      return sealSecrets(this.box, SmtpInput, server, before) as SmtpSettings;
    } catch (error) {
      if (!(error instanceof MaskedSecretError)) throw error;
      throw validationError([{ path: '/smtp/password', message: 'no stored password to keep' }]);
    }
  }

  async #stored(store: Store = this.store): Promise<ServerSettings> {
    const [
      smtp,
      folderRoots,
      allowedNetworks,
      deniedNetworks,
      allowPlaintextSmtp,
      mailRetryHours,
      limits,
      newTaskGrants,
      notices,
      publicUrl,
    ] = await Promise.all([
      store.settings.get('smtp'),
      store.settings.get('folderRoots'),
      store.settings.get('allowedNetworks'),
      store.settings.get('deniedNetworks'),
      store.settings.get('allowPlaintextSmtp'),
      store.settings.get('mailRetryHours'),
      store.settings.get('limits'),
      store.settings.get('newTaskGrants'),
      store.settings.get('notices'),
      store.settings.get('publicUrl'),
    ]);
    const storedSmtp = smtp as SmtpSettings | null | undefined;
    return {
      // A server stored before allowPlaintext existed did not allow it.
      smtp: storedSmtp ? { allowPlaintext: false, ...storedSmtp } : DEFAULT_SETTINGS.smtp,
      folderRoots: (folderRoots as string[] | undefined) ?? DEFAULT_SETTINGS.folderRoots,
      allowedNetworks:
        (allowedNetworks as string[] | undefined) ?? DEFAULT_SETTINGS.allowedNetworks,
      deniedNetworks: (deniedNetworks as string[] | undefined) ?? DEFAULT_SETTINGS.deniedNetworks,
      allowPlaintextSmtp:
        (allowPlaintextSmtp as boolean | undefined) ?? DEFAULT_SETTINGS.allowPlaintextSmtp,
      mailRetryHours: (mailRetryHours as number | undefined) ?? DEFAULT_SETTINGS.mailRetryHours,
      limits: limitsOf(limits),
      newTaskGrants: (newTaskGrants as TaskGrant[] | undefined) ?? DEFAULT_SETTINGS.newTaskGrants,
      notices: (notices as RunNotices | undefined) ?? DEFAULT_SETTINGS.notices,
      publicUrl: (publicUrl as string | null | undefined) ?? DEFAULT_SETTINGS.publicUrl,
    };
  }
}

function masked(settings: ServerSettings): ServerSettings {
  return {
    ...settings,
    smtp: settings.smtp && (maskSecrets(SmtpInput, settings.smtp) as SmtpSettings),
  };
}

/** The roots as real paths of existing folders; every bad one named in the error. */
async function checkedRoots(roots: readonly string[]): Promise<string[]> {
  const issues: FieldIssue[] = [];
  const real: string[] = [];
  for (const [index, root] of roots.entries()) {
    try {
      const path = await realFolder(root);
      if (!(await stat(path)).isDirectory()) throw new Error('is not a folder');
      real.push(path);
    } catch (error) {
      issues.push({ path: `/folderRoots/${index}`, message: coerceError(error).message });
    }
  }
  if (issues.length > 0) throw validationError(issues);
  return [...new Set(real)];
}

/** The network lists the patch sends, normalized; every entry that is no network named in the error. */
function checkedNetworks(
  patch: SettingsPatch,
): Partial<Pick<ServerSettings, 'allowedNetworks' | 'deniedNetworks'>> {
  const checked: Partial<Pick<ServerSettings, 'allowedNetworks' | 'deniedNetworks'>> = {};
  const issues: FieldIssue[] = [];
  for (const key of ['allowedNetworks', 'deniedNetworks'] as const) {
    const entries = patch[key];
    if (entries === undefined) continue;
    const found = networkIssues(entries, `/${key}`);
    issues.push(...found);
    if (found.length === 0) checked[key] = normalizedNetworks(entries);
  }
  if (issues.length > 0) throw validationError(issues);
  return checked;
}
