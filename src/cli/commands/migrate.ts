import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/open-store.ts';

/** `taskplanner migrate`: brings the database schema up to date. */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const store = openStore(loadConfig());
      try {
        const applied = await store.migrate();
        console.log(
          applied.length === 0 ? 'The schema is up to date' : `Applied ${applied.join(', ')}`,
        );
      } finally {
        await store.close();
      }
    });
}
