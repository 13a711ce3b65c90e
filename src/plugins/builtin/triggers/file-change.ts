import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { watch, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import { defineTrigger } from '../../define-kind.ts';
import type { TriggerContext } from '../../run-context.ts';
import { coerceError } from '../../../domain/coerce-error.ts';

const FileChangeConfig = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      maxLength: 4096,
      folder: true,
      description: 'The file or folder to watch (inside the folders an administrator allows)',
    }),
    recursive: Type.Boolean({ default: true, description: 'Also watch the folders below' }),
    glob: Type.String({
      maxLength: 1000,
      default: '',
      description: 'Only files matching this pattern, relative to the folder (e.g. **/*.csv)',
    }),
    settleSeconds: Type.Number({
      minimum: 0.1,
      maximum: 86_400,
      default: 5,
      description: 'Fire once nothing has changed for this long',
    }),
  },
  { additionalProperties: false },
);
type FileChangeConfig = Static<typeof FileChangeConfig>;

/**
 * The latest status change among the paths that still exist (ms), or undefined. Unlike the
 * modification time, no copy that keeps times (cp -p, rsync -t) can set it back.
 */
async function latestChange(paths: readonly string[]): Promise<number | undefined> {
  const times = await Promise.all(
    paths.map((path) =>
      stat(path).then(
        (info) => Math.floor(info.ctimeMs),
        () => undefined,
      ),
    ),
  );
  const known = times.filter((time): time is number => time !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

/** Collects changes under root and fires the task once they have settled. */
function watchChanges(root: string, config: FileChangeConfig, context: TriggerContext) {
  const matches = config.glob === '' ? () => true : picomatch(config.glob, { dot: true });
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const settle = async () => {
    const paths = [...changed].sort();
    changed.clear();
    // The allowed folders may have changed since the watch began.
    await context.host.allowedPath(config.path);
    const parameters = {
      changed: paths.join('\n'),
      changedCount: String(paths.length),
      file: paths[0] ?? '',
    };
    // Nodes watching one shared folder see the same change time: one run, not one each.
    const runId = await context.fire('file', parameters, await latestChange(paths));
    if (runId) context.log.info(`file-change: ${paths.length} changed paths started run ${runId}`);
  };
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    // A link may lead out of the allowed folders: it is seen as a change, never entered.
    followSymlinks: false,
    ...(config.recursive ? {} : { depth: 0 }),
  });
  watcher.on('all', (_event, path) => {
    const name = relative(root, path) || path;
    if (!matches(name)) return;
    changed.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      settle().catch((error: unknown) =>
        context.log.error(`file-change: could not start the task: ${coerceError(error).message}`),
      );
    }, config.settleSeconds * 1000);
  });
  watcher.on('error', (error) => context.log.error(`file-change: ${String(error)}`));
  return async () => {
    clearTimeout(timer);
    await watcher.close();
  };
}

/** Starts the task once files in a folder changed and then stayed unchanged for a while. */
export const fileChangeTrigger = defineTrigger({
  kind: 'file-change',
  title: 'File change',
  description: 'Starts the task when files in a folder change (once the changes settle)',
  configSchema: FileChangeConfig,
  permission: 'trigger.files',
  start: (config, context) => {
    let stop: (() => Promise<void>) | undefined;
    let stopped = false;
    const started = context.host.allowedPath(config.path).then(
      (root) => {
        if (!stopped) stop = watchChanges(root, config, context);
      },
      (error: unknown) =>
        context.log.error(
          `file-change trigger of task ${context.task.id} is not watching: ${coerceError(error).message}`,
        ),
    );
    return async () => {
      stopped = true;
      await started;
      await stop?.();
    };
  },
});
