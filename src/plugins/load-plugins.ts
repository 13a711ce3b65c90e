import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from './plugin.ts';
import { coerceError } from '../domain/coerce-error.ts';

/** A plugin module that cannot be used; the message names it. */
export class PluginLoadError extends Error {
  constructor(spec: string, problem: string) {
    super(`Plugin '${spec}' ${problem}`);
    this.name = 'PluginLoadError';
  }
}

function looksLikePlugin(value: unknown): value is Plugin {
  const candidate = value as Partial<Plugin> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    Array.isArray(candidate.components)
  );
}

/** A folder's entry module: its package.json's main, else index.ts or index.js. */
function entryOf(folder: string): string {
  const manifest = join(folder, 'package.json');
  if (existsSync(manifest)) {
    const { main } = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: unknown };
    if (typeof main === 'string') return join(folder, main);
  }
  return join(folder, existsSync(join(folder, 'index.ts')) ? 'index.ts' : 'index.js');
}

/**
 * A path (absolute, ./x, or anything existing under baseDir) is imported as a file, a folder
 * through its entry module; anything else as a package.
 */
function importTarget(spec: string, baseDir: string): string {
  const path = resolve(baseDir, spec);
  if (!isAbsolute(spec) && !spec.startsWith('.') && !existsSync(path)) return spec;
  const file = existsSync(path) && statSync(path).isDirectory() ? entryOf(path) : path;
  return pathToFileURL(file).href;
}

/** Imports each plugin module; its default export (or export "plugin") is the plugin. */
export async function loadPlugins(specs: readonly string[], baseDir: string): Promise<Plugin[]> {
  const plugins: Plugin[] = [];
  for (const spec of specs) {
    let module: { default?: unknown; plugin?: unknown };
    try {
      module = (await import(importTarget(spec, baseDir))) as typeof module;
    } catch (error) {
      throw new PluginLoadError(spec, `could not be loaded: ${coerceError(error).message}`);
    }
    const plugin = module.default ?? module.plugin;
    if (!looksLikePlugin(plugin)) {
      throw new PluginLoadError(
        spec,
        'does not export a plugin ({name, components}) as default or "plugin"',
      );
    }
    plugins.push(plugin);
  }
  return plugins;
}
