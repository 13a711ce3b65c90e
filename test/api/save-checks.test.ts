// What can never work is refused when a task is saved: a file or folder outside the allowed
// folders, a data source the owner may not use (or that does not exist: the same words). Only
// new or changed values are checked, and values with placeholders wait for the run.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { TEST_DATABASE_URL } from '../support/postgres.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const NO_FOLDERS =
  'No folders are allowed yet: an administrator adds them in Settings, Allowed folders';

/** The field errors of a problem answer, as path and message. */
function issuesOf(body: { errors?: Array<{ path: string; message: string }> }) {
  return (body.errors ?? []).map(({ path, message }) => ({ path, message }));
}

const noSource = (name: string) => `There is no data source '${name}' that the owner may use`;

/** A task that saves its (empty) results into a folder. */
function savingInto(folder: string, name = 'Saving') {
  return { name, actions: [{ kind: 'save-file', config: { folder, fileName: 'out' } }] };
}

/** A task with a report on a data source. */
function reportOn(dataSource: string, name = 'Report') {
  return {
    name,
    jobs: [
      {
        id: 'report',
        kind: 'sql-report',
        config: { dataSource, query: 'select 1 as one', format: 'csv', fileName: 'r' },
      },
    ],
  };
}

for (const backend of await backends()) {
  describe(
    `save-time checks of folders and data sources on ${backend.name}`,
    {
      skip: backend.skip,
    },
    () => {
      let t: TestApp;
      let ann: { id: string; client: ApiClient };
      let bob: { id: string; client: ApiClient };
      let base: string;
      let root: string;
      let outside: string;

      /** How many tasks there are, as stored. */
      async function taskCount(): Promise<number> {
        return (
          await t.services.store.tasks.list({
            scope: { kind: 'everyone' },
            sort: 'name',
            order: 'asc',
            limit: 500,
            includeHidden: true,
          })
        ).items.length;
      }

      /** Posts the task as ann and expects a 400 naming path with message; nothing saved. */
      async function refused(body: unknown, path: string, message: string) {
        const before = await taskCount();
        const answer = await ann.client.post('/api/v1/tasks', body);
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(answer.body.code, 'VALIDATION_FAILED');
        assert.deepEqual(issuesOf(answer.body), [{ path, message }]);
        assert.equal(await taskCount(), before);
      }

      async function created(client: ApiClient, body: unknown) {
        const answer = await client.post('/api/v1/tasks', body);
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
        return answer.body as { id: string; revision: number };
      }

      async function allowFolders(folderRoots: string[]) {
        const answer = await t.admin.patch('/api/v1/settings', { folderRoots });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
      }

      async function addSource(name: string, access: Record<string, unknown>) {
        const location = backend.name === 'postgres' ? TEST_DATABASE_URL : join(base, 'data.db');
        const kind = backend.name === 'postgres' ? 'postgres' : 'sqlite';
        const answer = await t.admin.post('/api/v1/data-sources', { name, kind, location, access });
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
        return answer.body as { id: string };
      }

      before(async () => {
        t = await startTestApp(backend, 'save-checks');
        ann = await t.user('ann');
        bob = await t.user('bob');
        base = realpathSync(mkdtempSync(join(tmpdir(), 'tp-save-checks-')));
        root = join(base, 'allowed');
        outside = join(base, 'outside');
        mkdirSync(root);
        mkdirSync(outside);
      });
      after(async () => {
        await t?.close();
        if (base) rmSync(base, { recursive: true, force: true });
      });

      it('refuses every folder while no folders are allowed, naming the field', async () => {
        await refused(savingInto(root), '/actions/0/config/folder', NO_FOLDERS);
      });

      it('refuses a folder outside the allowed ones (400 naming the path), saving nothing', async () => {
        await allowFolders([root]);
        await refused(
          savingInto('/etc'),
          '/actions/0/config/folder',
          'This path is not inside an allowed folder: /etc',
        );
        await refused(
          savingInto(`${root}/../outside`),
          '/actions/0/config/folder',
          `This path is not inside an allowed folder: ${root}/../outside (it leads to ${outside})`,
        );
        await refused(
          savingInto('reports'),
          '/actions/0/config/folder',
          'This path must be absolute (start with /): reports',
        );
      });

      it('lists the allowed folders to planners, for the editor to show', async () => {
        const listed = await ann.client.get('/api/v1/folders');
        assert.equal(listed.status, 200, JSON.stringify(listed.body));
        assert.deepEqual(listed.body, { items: [root] });
      });

      it('accepts a folder inside an allowed one, also one not made yet', async () => {
        await created(ann.client, savingInto(root));
        await created(ann.client, savingInto(join(root, 'not', 'made', 'yet')));
      });

      it('leaves a path with a placeholder to the run', async () => {
        await created(ann.client, savingInto('/elsewhere/{region}'));
      });

      it('refuses a link inside an allowed folder that leads outside it', async () => {
        const link = join(root, 'link-out');
        symlinkSync(outside, link);
        await refused(
          savingInto(join(link, 'reports')),
          '/actions/0/config/folder',
          `This path is not inside an allowed folder: ${link}/reports (it leads to ${outside}/reports)`,
        );
      });

      it('checks every field that names a file or folder: triggers, jobs, series', async () => {
        const outsideOf = 'This path is not inside an allowed folder: /etc/x';
        await refused(
          { name: 'Watch', triggers: [{ kind: 'file-change', config: { path: '/etc/x' } }] },
          '/triggers/0/config/path',
          outsideOf,
        );
        await refused(
          {
            name: 'Calendar',
            triggers: [{ kind: 'calendar', config: { source: { file: '/etc/x' } } }],
          },
          '/triggers/0/config/source/file',
          outsideOf,
        );
        await refused(
          {
            name: 'Command',
            jobs: [{ kind: 'command', config: { program: '/bin/true', workingFolder: '/etc/x' } }],
          },
          '/jobs/0/config/workingFolder',
          outsideOf,
        );
        await refused(
          { name: 'CSV', series: { kind: 'csv', config: { file: '/etc/x' } } },
          '/series/config/file',
          outsideOf,
        );
        await refused(
          { name: 'JSON', series: { kind: 'json', config: { file: '/etc/x' } } },
          '/series/config/file',
          outsideOf,
        );
        await created(ann.client, {
          name: 'CSV inside',
          series: { kind: 'csv', config: { file: join(root, 'list.csv') } },
        });
      });

      it('refuses an unknown data source and one the owner may not use with the same words', async () => {
        await addSource('Hidden', { everyone: false, userIds: [bob.id], groupIds: [] });
        await refused(reportOn('Nowhere'), '/jobs/0/config/dataSource', noSource('Nowhere'));
        await refused(reportOn('Hidden'), '/jobs/0/config/dataSource', noSource('Hidden'));
        await refused(
          { name: 'Rows', series: { kind: 'sql', config: { dataSource: 'Hidden', query: 'x' } } },
          '/series/config/dataSource',
          noSource('Hidden'),
        );
        await created(bob.client, reportOn('Hidden'));
      });

      it('accepts a data source the owner may use: for everyone, or through a group', async () => {
        await addSource('Everyone', { everyone: true, userIds: [], groupIds: [] });
        await created(ann.client, reportOn('Everyone'));
        const group = await t.admin.post('/api/v1/groups', {
          name: 'Analysts',
          memberIds: [ann.id],
        });
        assert.equal(group.status, 201, JSON.stringify(group.body));
        await addSource('Analysis', { everyone: false, userIds: [], groupIds: [group.body.id] });
        await created(ann.client, reportOn('Analysis'));
        await created(ann.client, reportOn('{source}'));
      });

      it('refuses an import naming a folder or data source that can never work, importing none', async () => {
        const before = await taskCount();
        const imported = await ann.client.post('/api/v1/tasks/import', {
          format: 'taskplanner-tasks',
          version: 1,
          tasks: [savingInto(root, 'Fine'), reportOn('Nowhere', 'Unknown source')],
        });
        assert.equal(imported.status, 400, JSON.stringify(imported.body));
        assert.match(imported.body.detail, /^Task 1: /);
        assert.deepEqual(issuesOf(imported.body), [
          { path: '/jobs/0/config/dataSource', message: noSource('Nowhere') },
        ]);
        assert.equal(await taskCount(), before);
      });

      it('keeps an unchanged value on an edit, though its folder or data source went away', async () => {
        const kept = join(root, 'kept');
        const source = await addSource('Going', { everyone: true, userIds: [], groupIds: [] });
        const task = await created(ann.client, {
          ...savingInto(kept, 'Old task'),
          ...reportOn('Going', 'Old task'),
        });
        await allowFolders([outside]);
        const gone = await t.admin.delete(`/api/v1/data-sources/${source.id}`);
        assert.equal(gone.status, 204, JSON.stringify(gone.body));

        const edited = await ann.client.patch(`/api/v1/tasks/${task.id}`, {
          description: 'still here',
          revision: task.revision,
        });
        assert.equal(edited.status, 200, JSON.stringify(edited.body));

        const moved = await ann.client.patch(`/api/v1/tasks/${task.id}`, {
          actions: [
            { kind: 'save-file', config: { folder: join(root, 'other'), fileName: 'out' } },
          ],
          revision: edited.body.revision,
        });
        assert.equal(moved.status, 400, JSON.stringify(moved.body));
        assert.deepEqual(issuesOf(moved.body), [
          {
            path: '/actions/0/config/folder',
            message: `This path is not inside an allowed folder: ${join(root, 'other')}`,
          },
        ]);
        const stored = await ann.client.get(`/api/v1/tasks/${task.id}`);
        assert.equal(stored.body.description, 'still here');
        assert.equal(stored.body.actions[0].config.folder, kept);
        await allowFolders([root]);
      });
    },
  );
}
