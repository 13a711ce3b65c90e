import { currentComponent } from './component-scope.ts';

/** Where the guard reports. */
export interface GuardLogger {
  error(message: string): void;
  fatal(message: string): void;
}

/** The text of an escaped value: the stack of an Error (it says where), else the value. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/** Writes a line; a logger that throws must not turn the guard itself into a crash. */
function write(line: () => void): void {
  try {
    line();
  } catch {
    // Nothing left to report to.
  }
}

/**
 * Handles an error no code caught. Inside a component (see component-scope.ts) it ends that
 * component's invocation, which fails its run, and is logged; the server keeps running.
 * Outside any component it is the server's own bug: logged as fatal, then the process exits,
 * because Node's state after an unexpected throw is unknown (a timer chain of the scheduler
 * may have died, leaving a server that looks healthy and runs nothing), while a restart is
 * safe: the store is the truth, and runs left behind become interrupted and are retried.
 */
function handleEscaped(
  error: unknown,
  what: string,
  logger: GuardLogger,
  exit: (code: number) => void,
): void {
  const scope = currentComponent();
  if (!scope) {
    write(() => logger.fatal(`${what} outside any component; exiting: ${describe(error)}`));
    exit(1);
    return;
  }
  const outcome = scope.fail(asError(error));
  write(() =>
    logger.error(
      `${scope.label}: an ${what} escaped it; ${outcome} (the server keeps running): ${scope.redact(describe(error))}`,
    ),
  );
}

/**
 * Installs the process-level guard: an uncaught exception or unhandled rejection that comes
 * from a component's code (a throw in its timer or socket callback, an 'error' event nobody
 * listens to, a promise it dropped) becomes the failure of that component's run and a log line,
 * not the end of the server. Returns how to remove it.
 */
export function installComponentGuard(
  logger: GuardLogger,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  const onException = (error: unknown) => handleEscaped(error, 'uncaught exception', logger, exit);
  const onRejection = (reason: unknown) =>
    handleEscaped(reason, 'unhandled rejection', logger, exit);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
