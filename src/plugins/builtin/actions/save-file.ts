import { lstat, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineAction } from '../../define-kind.ts';
import { previewFiles, type DeliveryPreview } from '../../delivery-preview.ts';
import type { ActionContext } from '../../run-context.ts';
import {
  FileNameFormat,
  formatFileName,
  formatMatcher,
  splitExtension,
} from '../delivery/file-names.ts';
import { deleteOlder, placeFile, type IfExists } from '../delivery/folder-files.ts';

const DAY_MS = 86_400_000;

const SaveFileConfig = Type.Object(
  {
    folder: Type.String({
      minLength: 1,
      maxLength: 4096,
      folder: true,
      description: 'Folder to save into (inside the allowed folders); made if missing',
    }),
    fileName: FileNameFormat,
    ifExists: Type.Union([Type.Literal('keep-both'), Type.Literal('overwrite')], {
      default: 'keep-both',
      description:
        'When a file of that name exists: keep both (adds " (1)", " (2)") or overwrite it (only a file this task saved; others are kept)',
    }),
    deleteOlderThanDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 36_500,
        description:
          'Also delete files this task saved in the folder, named by the same format (any placeholder value), last changed more than this many days ago',
      }),
    ),
  },
  { additionalProperties: false },
);

type SaveFileConfig = Static<typeof SaveFileConfig>;

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** The real path of the folder, made if missing; refused unless inside the allowed folders. */
async function targetFolder(folder: string, context: ActionContext): Promise<string> {
  const checked = await context.host.allowedPath(folder);
  await mkdir(checked, { recursive: true });
  // Checked again now that it exists: what was made might be reached through a link.
  const real = await context.host.allowedPath(checked);
  if (!(await stat(real)).isDirectory()) throw new Error(`${folder} is not a folder`);
  return real;
}

/** Deletes the old files of the format that this task saved itself; never anyone else's. */
async function deleteOldFiles(
  config: SaveFileConfig,
  folder: string,
  extensions: ReadonlySet<string>,
  context: ActionContext,
): Promise<void> {
  if (config.deleteOlderThanDays === undefined) return;
  const cutoff = context.now().getTime() - config.deleteOlderThanDays * DAY_MS;
  const own = await context.host.savedFiles.namesIn(folder);
  for (const ext of extensions) {
    const matches = formatMatcher(config.fileName, ext);
    const deleted = await deleteOlder(folder, (name) => own.has(name) && matches(name), cutoff);
    for (const name of deleted) {
      await context.host.savedFiles.forget(folder, name);
      context.log.info(`deleted ${name} (older than ${config.deleteOlderThanDays} days)`);
    }
  }
}

/** overwrite replaces only a file this task saved; another's is kept and ours saved beside it. */
async function replaceMode(
  config: SaveFileConfig,
  folder: string,
  name: string,
  context: ActionContext,
): Promise<IfExists> {
  if (config.ifExists !== 'overwrite' || !(await exists(join(folder, name))))
    return config.ifExists;
  if ((await context.host.savedFiles.namesIn(folder)).has(name)) return 'overwrite';
  context.log.warn(`${name} in ${folder} was not saved by this task: keeping it, not overwriting`);
  return 'keep-both';
}

async function saveFiles(config: SaveFileConfig, context: ActionContext): Promise<void> {
  const folder = await targetFolder(config.folder, context);
  const extensions = new Set<string>();
  for (const result of context.results) {
    if (result.type !== 'file') continue;
    const name = formatFileName(context, config.fileName, result.name);
    const mode = await replaceMode(config, folder, name, context);
    const saved = await placeFile(result.path, folder, name, mode, context.signal);
    await context.host.savedFiles.record(folder, saved);
    extensions.add(splitExtension(result.name).ext);
    context.log.info(`saved ${result.name} as ${saved} in ${folder}`);
  }
  await deleteOldFiles(config, folder, extensions, context);
}

/** What happens to the files of those names that are in the folder already. */
function existingNote(existing: readonly string[], ifExists: IfExists): string {
  if (existing.length === 0) return '';
  const one = existing.length === 1;
  const which = `${existing.join(', ')} ${one ? 'exists' : 'exist'} already`;
  if (ifExists === 'overwrite')
    return `${which}: overwritten if this task saved ${one ? 'it' : 'them'}`;
  return `${which}: the new ${one ? 'one is' : 'ones are'} saved beside ${one ? 'it' : 'them'}`;
}

/** Where the files would be saved, for a dry run: the folder is checked, nothing is written. */
async function previewSave(
  config: SaveFileConfig,
  context: ActionContext,
): Promise<DeliveryPreview> {
  const folder = await context.host.allowedPath(config.folder);
  const files = await previewFiles(context, (name) =>
    formatFileName(context, config.fileName, name),
  );
  const taken = await Promise.all(files.map((file) => exists(join(folder, file.name))));
  const existing = files.filter((_, index) => taken[index]).map((file) => file.name);
  const notes = [
    existingNote(existing, config.ifExists),
    config.deleteOlderThanDays === undefined
      ? ''
      : `deletes this task's files older than ${config.deleteOlderThanDays} days`,
  ].filter(Boolean);
  return { to: [folder], files, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}

/** Saves each file result into a folder on this server. */
export const saveFileAction = defineAction({
  kind: 'save-file',
  title: 'Save to a folder',
  description: 'Saves each file result into a folder on the server, optionally deleting old copies',
  configSchema: SaveFileConfig,
  permission: 'action.files',
  accepts: ['file'],
  run: saveFiles,
  preview: previewSave,
});
