import { mkdir, stat } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import type { ActionKind } from '../../component-kind.ts';
import type { ActionContext } from '../../run-context.ts';
import {
  FileNameFormat,
  formatFileName,
  formatMatcher,
  splitExtension,
} from '../delivery/file-names.ts';
import { deleteOlder, placeFile } from '../delivery/folder-files.ts';

const DAY_MS = 86_400_000;

const SaveFileConfig = Type.Object(
  {
    folder: Type.String({
      minLength: 1,
      maxLength: 4096,
      description: 'Folder to save into (inside the allowed folders); made if missing',
    }),
    fileName: FileNameFormat,
    ifExists: Type.Union([Type.Literal('keep-both'), Type.Literal('overwrite')], {
      default: 'keep-both',
      description:
        'When a file of that name exists: keep both (adds " (1)", " (2)") or overwrite it',
    }),
    deleteOlderThanDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 36_500,
        description:
          'Also delete files in the folder named by the same format (any placeholder value) last changed more than this many days ago',
      }),
    ),
  },
  { additionalProperties: false },
);

type SaveFileConfig = Static<typeof SaveFileConfig>;

/** The real path of the folder, made if missing; refused unless inside the allowed folders. */
async function targetFolder(folder: string, context: ActionContext): Promise<string> {
  const checked = await context.host.allowedPath(folder);
  await mkdir(checked, { recursive: true });
  // Checked again now that it exists: what was made might be reached through a link.
  const real = await context.host.allowedPath(checked);
  if (!(await stat(real)).isDirectory()) throw new Error(`${folder} is not a folder`);
  return real;
}

async function deleteOldFiles(
  config: SaveFileConfig,
  folder: string,
  extensions: ReadonlySet<string>,
  context: ActionContext,
): Promise<void> {
  if (config.deleteOlderThanDays === undefined) return;
  const cutoff = context.now().getTime() - config.deleteOlderThanDays * DAY_MS;
  for (const ext of extensions) {
    const deleted = await deleteOlder(folder, formatMatcher(config.fileName, ext), cutoff);
    for (const name of deleted)
      context.log.info(`deleted ${name} (older than ${config.deleteOlderThanDays} days)`);
  }
}

async function saveFiles(config: SaveFileConfig, context: ActionContext): Promise<void> {
  const folder = await targetFolder(config.folder, context);
  const extensions = new Set<string>();
  for (const result of context.results) {
    if (result.type !== 'file') continue;
    const name = formatFileName(context, config.fileName, result.name);
    const saved = await placeFile(result.path, folder, name, config.ifExists, context.signal);
    extensions.add(splitExtension(result.name).ext);
    context.log.info(`saved ${result.name} as ${saved} in ${folder}`);
  }
  await deleteOldFiles(config, folder, extensions, context);
}

/** Saves each file result into a folder on this server. */
export const saveFileAction: ActionKind = {
  category: 'action',
  kind: 'save-file',
  title: 'Save to a folder',
  description: 'Saves each file result into a folder on the server, optionally deleting old copies',
  configSchema: SaveFileConfig,
  permission: 'action.files',
  accepts: ['file'],
  run: (config: SaveFileConfig, context: ActionContext) => saveFiles(config, context),
};
