import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { exportTasks, listAllTasks } from '../../tasks/task-export.ts';
import { importTasks } from '../../tasks/task-import.ts';
import { userByLogin, withContext, type CliContext } from '../context.ts';
import { coerceError } from '../../domain/coerce-error.ts';
import { counted } from '../../domain/counted.ts';

async function ownerFilter(context: CliContext, login: string | undefined): Promise<string> {
  return login === undefined ? 'all' : (await userByLogin(context, login)).id;
}

/** `taskplanner task list|export|import`. */
export function registerTask(program: Command): void {
  const task = program.command('task').description('list, export and import tasks');

  task
    .command('list')
    .description("list tasks (everyone's, or one user's)")
    .option('--user <login>', "only this user's tasks")
    .action(async (options: { user?: string }) => {
      await withContext(async (context) => {
        const owner = await ownerFilter(context, options.user);
        for (const each of await listAllTasks(context.services.tasks, context.operator, owner)) {
          const enabled = each.enabled ? 'enabled' : 'disabled';
          console.log(`${each.id}\t${each.ownerLogin}\t${enabled}\t${each.name}`);
        }
      });
    });

  task
    .command('export')
    .description('write tasks as JSON to a file or standard output')
    .option('--user <login>', "only this user's tasks")
    .option('--output <file>', 'write to this file instead of standard output')
    .action(async (options: { user?: string; output?: string }) => {
      await withContext(async (context) => {
        const owner = await ownerFilter(context, options.user);
        const exported = await exportTasks(
          context.services.tasks,
          context.operator,
          owner,
          new Date(),
        );
        const json = `${JSON.stringify(exported, null, 2)}\n`;
        if (options.output === undefined) process.stdout.write(json);
        else writeFileSync(options.output, json);
      });
    });

  task
    .command('import <file>')
    .description(
      'create the tasks of an export file (all or none), as new tasks; a task whose secrets the file left out is disabled',
    )
    .option('--user <login>', 'give every imported task to this user instead of its exported owner')
    .action(async (file: string, options: { user?: string }) => {
      await withContext(async (context) => {
        let document: unknown;
        try {
          document = JSON.parse(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new Error(`Cannot read ${file} as JSON: ${coerceError(error).message}`);
        }
        const { store, tasks } = context.services;
        const imported = await importTasks(store, tasks, context.operator, document, options.user);
        console.log(`Imported ${counted(imported.tasks.length, 'task')}`);
        for (const missing of imported.missingSecrets) {
          const { taskName, task: id, category, component, kind, field } = missing;
          console.log(
            `Disabled, a secret to type again: ${taskName} (${id}), ${category} ${component} (${kind}) ${field}`,
          );
        }
      });
    });
}
