import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { startServer } from '../../main.ts';

/** `taskplanner serve`: runs the server until SIGTERM or SIGINT. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the server (configured by TASKPLANNER_* variables)')
    .action(async () => {
      const server = await startServer(loadConfig());
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
