import { operatorCaller, type Caller } from '../auth/caller.ts';
import { loadConfig, type Config } from '../config.ts';
import { AppError } from '../domain/errors.ts';
import type { User } from '../domain/user.ts';
import { createServices, serviceOptionsOf, type Services } from '../services.ts';
import { loadPlugins } from '../plugins/load-plugins.ts';
import { openStore } from '../store/open-store.ts';

/** What a CLI command works with: the services over the configured store, as the operator. */
export interface CliContext {
  config: Config;
  services: Services;
  operator: Caller;
}

/** Opens the configured store (migrating it), runs the command, and closes the store. */
export async function withContext<T>(command: (context: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = openStore(config);
  try {
    await store.migrate();
    const plugins = await loadPlugins(config.plugins, process.cwd());
    const services = createServices(store, { ...serviceOptionsOf(config), plugins });
    const operator = operatorCaller(services.catalog.list().map((permission) => permission.name));
    return await command({ config, services, operator });
  } finally {
    await store.close();
  }
}

/** The user with this login, or NOT_FOUND naming it. */
export async function userByLogin(context: CliContext, login: string): Promise<User> {
  const user = await context.services.store.users.getWithSecretByLogin(login);
  if (!user) throw new AppError('NOT_FOUND', `No user with the login '${login}'`);
  const { passwordHash: _secret, ...withoutSecret } = user;
  return withoutSecret;
}
