// Started by bench/engine.ts in a fresh process: how long a server takes to start over the
// data folder it is given, and how much memory it holds once settled.
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/main.ts';

const began = performance.now();
const server = await startServer(loadConfig());
const ready = performance.now() - began;
await new Promise((resolve) => setTimeout(resolve, 3000));
const rss = process.memoryUsage().rss / (1024 * 1024);
console.log(
  `start-up with 100,000 enabled scheduled tasks (SQLite): ready in ${(ready / 1000).toFixed(2)} s, resident memory ${rss.toFixed(0)} MB after 3 s`,
);
await server.close();
