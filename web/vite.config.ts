import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// During `npm run dev` the API comes from a running `credence serve`
// (CREDENCE_API, default http://127.0.0.1:8080); the built portal is served by it directly.
const api = process.env.CREDENCE_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue()],
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
    },
  },
  build: {
    outDir: 'dist',
    target: 'es2020',
    // Charts are loaded on demand: their chunk is large on purpose and never on the first page.
    chunkSizeWarningLimit: 600,
  },
});
