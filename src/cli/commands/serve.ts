import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { installComponentGuard, type GuardLogger } from '../../engine/component-guard.ts';
import { startServer } from '../../main.ts';

/** `taskplanner serve`: runs the server until SIGTERM or SIGINT. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the server (configured by TASKPLANNER_* variables)')
    .action(async () => {
      // Installed before the server starts, since runs (of server-start triggers) begin while
      // it starts; until its logger exists, the guard writes to stderr.
      let log: GuardLogger = { error: console.error, fatal: console.error };
      installComponentGuard({
        error: (message) => log.error(message),
        fatal: (message) => log.fatal(message),
      });
      const server = await startServer(loadConfig());
      log = {
        error: (message) => server.app.log.error(message),
        fatal: (message) => server.app.log.fatal(message),
      };
      const stop = (signal: string) => {
        server.app.log.info(`${signal} received, shutting down`);
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            server.app.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
