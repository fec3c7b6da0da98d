import { defineConfig } from 'vite';

// Preact through Vite's own JSX transform (automatic runtime): no extra plugin needed.
export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // The C++ server serves dist/ as is; keep one CSS file and hashed assets under /assets/.
    cssCodeSplit: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev` proxies the API to a local server (`equidad serve --port 18080`).
    proxy: { '/api': process.env.EQ_API ?? 'http://127.0.0.1:18080' },
  },
});
