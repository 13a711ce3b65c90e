// Runs every test file under test/ with node's test runner (Node 20 has no --test globs).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const only = process.argv.slice(2);
// Examples (plugins) carry their own tests beside them.
const files = only.length > 0 ? only : [...testFiles('test'), ...testFiles('examples')].sort();
// A test that hangs fails after five minutes instead of stalling the whole run.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-timeout=300000', ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
