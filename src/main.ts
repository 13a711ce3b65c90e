import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { bootstrapAdmin, ADMIN_LOGIN } from './auth/bootstrap-admin.ts';
import type { Config } from './config.ts';
import { SystemClock } from './engine/clock.ts';
import { followDatabaseClock } from './engine/database-clock.ts';
import { ENGINE_DEFAULTS, Engine, type EngineOptions } from './engine/engine.ts';
import { buildApp } from './http/app.ts';
import { loadPlugins } from './plugins/load-plugins.ts';
import { createServices, serviceOptionsOf } from './services.ts';
import { openStore } from './store/open-store.ts';
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

/** Composition root: config -> store -> services -> HTTP, then listen. */
export async function startServer(config: Config): Promise<RunningServer> {
  const store = openStore(config);
  try {
    await store.migrate();
    const plugins = await loadPlugins(config.plugins, process.cwd());
    const services = createServices(store, { ...serviceOptionsOf(config), plugins });
    const admin = await bootstrapAdmin(store, services.catalog, config.adminPassword, new Date());
    const app = await buildApp({
      services,
      config,
      logger: { level: config.logLevel },
      version: VERSION,
    });
    if (admin.created)
      app.log.info(`Created the first user '${ADMIN_LOGIN}' with every permission`);
    if (admin.generatedPassword) {
      console.log(
        `\n  First start: log in as '${ADMIN_LOGIN}' with password ${admin.generatedPassword}\n  (shown only this once; set TASKPLANNER_ADMIN_PASSWORD to choose it)\n`,
      );
    }
    const clock = new SystemClock();
    const stopClock = await followDatabaseClock(store, clock);
    const engineLog = {
      info: (message: string) => app.log.info(message),
      error: (message: string) => app.log.error(message),
    };
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
        stopClock();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
