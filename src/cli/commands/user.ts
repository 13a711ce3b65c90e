import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { userByLogin, withContext } from '../context.ts';

/** The password policy in a few words, for --help; the service enforces it. */
const PASSWORD_RULES = '8+ characters, not containing the login, not a common one';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `taskplanner user add|list|passwd|grant|revoke`. */
export function registerUser(program: Command): void {
  const user = program.command('user').description('manage users');

  user
    .command('add <login>')
    .description('create a user (prints a generated password unless --password is given)')
    .option('--password <password>', `the password (${PASSWORD_RULES})`)
    .option('--name <displayName>', 'the display name')
    .option('--email <email>', 'the e-mail address')
    .option(
      '--permission <permission>',
      'grant a permission (repeatable; default: taskplanner)',
      collect,
      [],
    )
    .action(
      async (
        login: string,
        options: { password?: string; name?: string; email?: string; permission: string[] },
      ) => {
        await withContext(async (context) => {
          const password = options.password ?? randomBytes(12).toString('base64url');
          const created = await context.services.users.create(context.operator, {
            login,
            password,
            ...(options.name === undefined ? {} : { displayName: options.name }),
            ...(options.email === undefined ? {} : { email: options.email }),
            ...(options.permission.length === 0 ? {} : { permissions: options.permission }),
          });
          console.log(
            `Created ${created.login} (${created.id}) with ${created.permissions.join(', ') || 'no permissions'}`,
          );
          if (options.password === undefined) console.log(`Password: ${password}`);
        });
      },
    );

  user
    .command('list')
    .description('list users')
    .action(async () => {
      await withContext(async (context) => {
        let cursor: string | undefined;
        do {
          const page = await context.services.users.list(context.operator, {
            limit: 500,
            ...(cursor ? { cursor } : {}),
          });
          for (const each of page.items) {
            const state = each.disabled ? 'disabled' : 'enabled';
            console.log(
              `${each.login}\t${each.displayName}\t${state}\t${each.permissions.join(',')}`,
            );
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      });
    });

  user
    .command('passwd <login>')
    .description("set a user's password (prints a generated one unless --password is given)")
    .option('--password <password>', `the new password (${PASSWORD_RULES})`)
    .action(async (login: string, options: { password?: string }) => {
      await withContext(async (context) => {
        const target = await userByLogin(context, login);
        const password = options.password ?? randomBytes(12).toString('base64url');
        await context.services.users.update(context.operator, target.id, { password });
        console.log(
          options.password === undefined
            ? `New password of ${login}: ${password}`
            : `Password of ${login} changed`,
        );
      });
    });

  for (const verb of ['grant', 'revoke'] as const) {
    user
      .command(`${verb} <login> <permissions...>`)
      .description(`${verb} permissions ${verb === 'grant' ? 'to' : 'from'} a user`)
      .action(async (login: string, permissions: string[]) => {
        await withContext(async (context) => {
          const target = await userByLogin(context, login);
          const change =
            verb === 'grant'
              ? { grant: permissions, revoke: [] }
              : { grant: [], revoke: permissions };
          const updated = await context.services.users.changePermissions(
            context.operator,
            target.id,
            change,
          );
          console.log(`${login} now holds: ${updated.permissions.join(', ') || 'nothing'}`);
        });
      });
  }
}
