import type { Command } from 'commander';
import { userByLogin, withContext } from '../context.ts';

/** `taskplanner token create`. */
export function registerToken(program: Command): void {
  const token = program.command('token').description('manage API tokens');
  token
    .command('create <login>')
    .description('create an API token for a user and print it (shown only this once)')
    .requiredOption('--name <name>', 'what the token is for')
    .action(async (login: string, options: { name: string }) => {
      await withContext(async (context) => {
        const user = await userByLogin(context, login);
        const created = await context.services.tokens.create(context.operator, user.id, {
          name: options.name,
        });
        console.log(created.secret);
      });
    });
}
