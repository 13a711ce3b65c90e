// A second engine node for bench/engine.ts: runs an engine over the store location given as
// JSON in argv[2] until SIGTERM, and says "ready" on stdout once it is claiming.
import { openStore, type StoreLocation } from '../src/store/open-store.ts';
import { startBenchEngine } from './engine-fixture.ts';

const location = JSON.parse(process.argv[2] ?? '{}') as StoreLocation;
const store = openStore(location);
const { stop } = await startBenchEngine(store, 'child');
console.log('ready');
process.once('SIGTERM', () => {
  void stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
