import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { bootstrapAdmin, ADMIN_LOGIN } from './auth/bootstrap-admin.ts';
import { seedRoles } from './auth/seed-roles.ts';
import { ConfigError, type Config } from './config.ts';
import { SystemClock } from './engine/clock.ts';
import { errorDetails } from './domain/coerce-error.ts';
import { followDatabaseClock } from './engine/database-clock.ts';
import { ENGINE_DEFAULTS, Engine, type EngineOptions } from './engine/engine.ts';
import { buildApp } from './http/app.ts';
import {
  isolatePrograms,
  prepareIsolation,
  type ProgramIsolation,
} from './plugins/builtin/programs/isolation.ts';
import { ProgramUserError } from './plugins/builtin/programs/program-user.ts';
import { loadPlugins } from './plugins/load-plugins.ts';
import { createServices, serviceOptionsOf } from './services.ts';
import { openStore, prepareDataDir } from './store/open-store.ts';
import { DataFolderInUse, lockDataFolder } from './store/sqlite/server-lock.ts';
import type { Store } from './store/store.ts';
import { VERSION } from './version.ts';

/** A started server and how to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  close(): Promise<void>;
}

/** The engine settings a configuration gives. */
export function engineOptionsOf(config: Config): EngineOptions {
  return {
    ...ENGINE_DEFAULTS,
    nodeName: config.nodeName,
    workRoot: join(config.dataDir, 'work'),
    leaseMs: config.leaseSeconds * 1000,
    maxRuns: config.maxRuns,
    misfireGraceMs: config.misfireGraceSeconds * 1000,
  };
}

/** Said at every start without TASKPLANNER_RUN_AS. */
export const NO_RUN_AS_WARNING =
  "TASKPLANNER_RUN_AS is not set: the programs of command jobs run as the server's own user and can read its secret key, database and environment, so the permission job.command is equivalent to administering the server. Set TASKPLANNER_RUN_AS to an unprivileged user.";

/**
 * Sets how the programs of command jobs run: as the configured user, once the server has
 * checked it can switch to it (else it refuses to start), or as the server's own user.
 */
async function isolateProgramsAsConfigured(config: Config): Promise<ProgramIsolation | null> {
  if (config.runAs === null) {
    isolatePrograms(null);
    return null;
  }
  try {
    const isolation = await prepareIsolation({
      user: config.runAs,
      gids: config.runGids,
      folder: config.programDir,
    });
    isolatePrograms(isolation);
    return isolation;
  } catch (error) {
    if (error instanceof ProgramUserError)
      throw ConfigError.unusable('TASKPLANNER_RUN_AS', error.message);
    throw error;
  }
}

/** Makes this the only server of its SQLite data folder, or refuses to start, saying why. */
function ownDataFolder(dataDir: string): { release(): void } {
  try {
    return lockDataFolder(dataDir);
  } catch (error) {
    if (error instanceof DataFolderInUse)
      throw ConfigError.unusable('TASKPLANNER_DATA_DIR', error.message);
    throw error;
  }
}

/** Composition root: config -> store -> services -> HTTP, then listen. */
export async function startServer(config: Config): Promise<RunningServer> {
  const isolation = await isolateProgramsAsConfigured(config);
  prepareDataDir(config.dataDir);
  // Alone on its SQLite file, a server takes what it finds running for a dead predecessor's.
  const lock = config.databaseUrl === null ? ownDataFolder(config.dataDir) : null;
  const store = openStore(config);
  try {
    await store.migrate();
    const plugins = await loadPlugins(config.plugins, process.cwd());
    // One clock for the services and the engine: on PostgreSQL it follows the database's, so that
    // what the API stamps (mail retried now, sessions) agrees with what the engine schedules.
    const clock = new SystemClock();
    const services = createServices(
      store,
      { ...serviceOptionsOf(config), plugins },
      () => new Date(clock.now()),
    );
    const admin = await bootstrapAdmin(store, services.catalog, config.adminPassword, new Date());
    const roles = await seedRoles(store, services.catalog, new Date());
    const app = await buildApp({
      services,
      config,
      logger: { level: config.logLevel },
      version: VERSION,
    });
    if (isolation === null) app.log.warn(NO_RUN_AS_WARNING);
    else app.log.info(`Programs of command jobs run as ${isolation.user.name}`);
    if (admin.created)
      app.log.info(`Created the first user '${ADMIN_LOGIN}' with every permission`);
    if (roles.length > 0) app.log.info(`Created the roles ${roles.join(', ')}`);
    if (admin.generatedPassword) {
      console.log(
        `\n  First start: log in as '${ADMIN_LOGIN}' with password ${admin.generatedPassword}\n  (shown only this once; set TASKPLANNER_ADMIN_PASSWORD to choose it)\n`,
      );
    }
    const engineLog = {
      info: (message: string) => app.log.info(message),
      error: (message: string) => app.log.error(message),
    };
    const stopClock = await followDatabaseClock(store, clock, (error) =>
      engineLog.error(`database clock: ${errorDetails(error)}`),
    );
    const engine = new Engine(
      store,
      services.registry,
      clock,
      engineOptionsOf(config),
      engineLog,
      services,
    );
    const url = await app.listen({ host: config.host, port: config.port });
    await engine.start().catch(async (error: unknown) => {
      await app.close();
      throw error;
    });
    app.log.info(
      { url, store: store.dialect, node: config.nodeName },
      `Task Planner ${VERSION} is ready`,
    );
    return {
      app,
      store,
      url,
      close: async () => {
        await engine.stop(config.shutdownGraceSeconds * 1000);
        await app.close();
        await stopClock();
        await store.close();
        lock?.release();
      },
    };
  } catch (error) {
    await store.close();
    lock?.release();
    throw error;
  }
}
