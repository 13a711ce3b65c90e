import type { FastifyInstance } from 'fastify';
import { bootstrapAdmin, ADMIN_LOGIN } from './auth/bootstrap-admin.ts';
import type { Config } from './config.ts';
import { buildApp } from './http/app.ts';
import { resolveSecretKey } from './secret-key.ts';
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

/** Composition root: config -> store -> services -> HTTP, then listen. */
export async function startServer(config: Config): Promise<RunningServer> {
  // Made on the first start, so the key exists before anything is ever encrypted with it.
  resolveSecretKey(config.secret, config.dataDir);
  const store = openStore(config);
  try {
    await store.migrate();
    const services = createServices(store, serviceOptionsOf(config));
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
    const url = await app.listen({ host: config.host, port: config.port });
    app.log.info({ url, store: store.dialect }, `Task Planner ${VERSION} is ready`);
    return {
      app,
      store,
      url,
      close: async () => {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
