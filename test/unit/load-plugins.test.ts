import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadPlugins, PluginLoadError } from '../../src/plugins/load-plugins.ts';
import { ROOT } from '../support/processes.ts';

describe('loadPlugins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-plugins-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a plugin by a path relative to the base folder, with or without ./', async () => {
    for (const spec of ['test/fixtures/engine-plugin.ts', './test/fixtures/engine-plugin.ts']) {
      const [plugin] = await loadPlugins([spec], ROOT);
      assert.equal(plugin?.name, 'engine-test', spec);
      assert.ok(plugin?.components.some((kind) => kind.kind === 'sleep'));
    }
  });

  it('takes the export "plugin" when there is no default export', async () => {
    const file = join(dir, 'named.mjs');
    writeFileSync(file, "export const plugin = { name: 'named', components: [] };\n");
    const [plugin] = await loadPlugins([file], dir);
    assert.equal(plugin?.name, 'named');
  });

  it('names the plugin that does not export one', async () => {
    const file = join(dir, 'empty.mjs');
    writeFileSync(file, 'export const other = 1;\n');
    await assert.rejects(loadPlugins([file], dir), (error: unknown) => {
      assert.ok(error instanceof PluginLoadError);
      assert.match(error.message, /empty\.mjs' does not export a plugin/);
      return true;
    });
  });

  it('names the plugin that cannot be found', async () => {
    await assert.rejects(loadPlugins(['no-such-plugin-package'], dir), (error: unknown) => {
      assert.ok(error instanceof PluginLoadError);
      assert.match(error.message, /'no-such-plugin-package' could not be loaded/);
      return true;
    });
  });
});
