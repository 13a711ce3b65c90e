import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { PluginLoadError } from '../plugins/load-plugins.ts';
import { AppError } from '../domain/errors.ts';
import { VERSION } from '../version.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerSchedule } from './commands/schedule.ts';
import { registerServe } from './commands/serve.ts';
import { registerTask } from './commands/task.ts';
import { registerToken } from './commands/token.ts';
import { registerUser } from './commands/user.ts';

const program = new Command('taskplanner')
  .description('Task Planner: runs tasks on time and on events')
  .version(VERSION)
  .exitOverride();
registerServe(program);
registerMigrate(program);
registerUser(program);
registerToken(program);
registerTask(program);
registerSchedule(program);

/** A failure of the environment (a refused connection, a missing file), not a bug: no stack trace needed. */
function isSystemError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && /^E[A-Z]+$/.test(String((error as { code?: unknown }).code));
}

/** Prints what went wrong in one or a few lines: no stack trace for expected errors. */
function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof AppError) {
    console.error(`Error (${error.code}): ${error.message}`);
    for (const issue of error.issues) console.error(`  ${issue.path}: ${issue.message}`);
    return 2;
  }
  if (error instanceof ConfigError || error instanceof PluginLoadError) {
    console.error(`Configuration error: ${error.message}`);
    return 2;
  }
  if (isSystemError(error)) {
    console.error(`Error: ${error.message}`);
    return 1;
  }
  console.error(error);
  return 1;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
