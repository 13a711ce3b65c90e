import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The UI is built into dist/web, which the server serves at /.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/hooks': 'http://127.0.0.1:8080' } },
});
