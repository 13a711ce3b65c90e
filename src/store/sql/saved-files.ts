import type { Kysely } from 'kysely';
import type { SavedFile, SavedFileRepository } from '../store.ts';
import type { Database } from './schema.ts';

/** The files save-file actions wrote, in a SQL database, shared by both dialects. */
export class SqlSavedFileRepository implements SavedFileRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(file: SavedFile): Promise<void> {
    const row = {
      folder: file.folder,
      name: file.name,
      task_id: file.taskId,
      saved_at: file.savedAt.getTime(),
    };
    await this.db
      .insertInto('saved_files')
      .values(row)
      .onConflict((conflict) =>
        conflict
          .columns(['folder', 'name'])
          .doUpdateSet({ task_id: row.task_id, saved_at: row.saved_at }),
      )
      .execute();
  }

  async namesOf(taskId: string, folder: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('saved_files')
      .select('name')
      .where('task_id', '=', taskId)
      .where('folder', '=', folder)
      .execute();
    return new Set(rows.map((row) => row.name));
  }

  async forget(folder: string, name: string): Promise<void> {
    await this.db
      .deleteFrom('saved_files')
      .where('folder', '=', folder)
      .where('name', '=', name)
      .execute();
  }
}
