import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { AccountChange } from '../../../auth/ldap/directory-accounts.ts';
import { PERMISSIONS } from '../../../domain/permissions.ts';
import { writeCsv } from '../../../reports/csv.ts';
import { REPORT_FORMATS } from '../../../reports/write-report.ts';
import { defineJob } from '../../define-kind.ts';
import { reportFileName } from './report-file.ts';

const DirectorySyncConfig = Type.Object(
  {
    disableMissing: Type.Boolean({
      default: true,
      title: 'Disable accounts no longer in the directory',
      description: 'Disable directory accounts the directory no longer has',
    }),
    fileName: Type.String({
      minLength: 1,
      maxLength: 200,
      default: 'directory-sync-{date}',
      description: 'The name of the CSV file listing every account and what the sync did',
    }),
  },
  { additionalProperties: false },
);

const CHANGES: readonly AccountChange[] = [
  'created',
  'updated',
  'disabled',
  'unchanged',
  'skipped',
];

/**
 * Syncs the accounts of the LDAP directory (Settings, LDAP): makes new users, updates names,
 * e-mail addresses and mapped groups, and disables users the directory disabled or no longer
 * has. Runs as the owner, who needs users.manage and settings.manage.
 */
export const directorySyncJob = defineJob({
  kind: 'directory-sync',
  title: 'Directory sync (LDAP)',
  description:
    'Makes, updates and disables the accounts of the LDAP directory, with their mapped groups',
  configSchema: DirectorySyncConfig,
  permission: PERMISSIONS.usersManage,
  produces: ['file'],
  run: async (config, context) => {
    const report = await context.host.syncDirectory({ disableMissing: config.disableMissing });
    for (const outcome of report.outcomes) {
      if (outcome.change !== 'unchanged') {
        context.log.info(`${outcome.login}: ${outcome.change} (${outcome.detail})`);
      }
    }
    for (const dn of report.unusableEntries) {
      context.log.warn(`${dn}: no usable login (letters, digits and . _ @ -, at most 64)`);
    }
    const counts = CHANGES.map(
      (change) =>
        [change, report.outcomes.filter((each) => each.change === change).length] as const,
    );
    for (const [change, count] of counts) context.output(change, count);
    context.log.info(counts.map(([change, count]) => `${count} ${change}`).join(', '));
    const { extension, mediaType } = REPORT_FORMATS.csv;
    const name = reportFileName(context.fill(config.fileName), extension);
    const path = join(await context.workDir(), name);
    const rows = report.outcomes.map(({ login, change, detail }) => ({ login, change, detail }));
    await writeCsv({ columns: ['login', 'change', 'detail'], rows }, path, {
      signal: context.signal,
    });
    return [{ type: 'file', name, path, mediaType }];
  },
});
