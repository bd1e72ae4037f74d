import { defineConfig } from 'vitest/config';

// The built files are embedded into the otelite binary (cmake/embed.cmake) and served on :3001:
// index.html without caching, everything under /assets/ with a content hash in its name.
const backend = process.env.OTELITE_URL ?? 'http://127.0.0.1:3001';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    // One small bundle: no dynamic imports, no CDN.
    assetsInlineLimit: 0,
    rollupOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/login': {
        target: backend,
        // Only the form post goes to the server; GET /login is the app's page.
        bypass: (req) => (req.method === 'GET' ? '/index.html' : undefined),
      },
      '/logout': { target: backend },
      '/render': { target: backend },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
