import type { Plugin } from '../plugin.ts';
import { auditExportJob } from './jobs/audit-export.ts';
import { directorySyncJob } from './jobs/directory-sync.ts';
import { sqlReportJob } from './jobs/sql-report.ts';
import { SQL_PERMISSION } from './sql-fields.ts';
import { csvSeries } from './series/csv.ts';
import { FILES_PERMISSION } from './series/files-permission.ts';
import { GROUP_PERMISSION, groupSeries } from './series/group.ts';
import { jsonSeries } from './series/json.ts';
import { sqlSeries } from './series/sql.ts';

/** Built-in kinds: data (SQL reports, the audit export, series from files, queries and groups). */
export const dataKinds: Pick<Plugin, 'components' | 'permissions'> = {
  permissions: [
    {
      name: SQL_PERMISSION,
      description:
        'May query the data sources an administrator shares with them (SQL reports and series)',
    },
    {
      name: FILES_PERMISSION,
      description: 'May take series values from CSV and JSON files in the allowed folders',
    },
    { name: GROUP_PERMISSION, description: 'May run a task once for each member of a group' },
  ],
  components: [
    sqlReportJob,
    auditExportJob,
    directorySyncJob,
    csvSeries,
    jsonSeries,
    sqlSeries,
    groupSeries,
  ],
};
