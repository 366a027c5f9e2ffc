import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The console server serves dist/ at `/` on the monitoring port and the API under /api.
// `npm run dev -w apps/web` proxies the API and monitoring endpoints to a local switchboard -m 8222.
const target = process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8222';
const proxied = ['/api', '/varz', '/connz', '/subsz', '/routez', '/gatewayz', '/accountz', '/healthz'];

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    sourcemap: true,
    // Vite 8 (Rolldown): `rolldownOptions.output.codeSplitting` replaces the deprecated
    // `rollupOptions.output.manualChunks`. Libraries that change less often than the app get
    // their own long-cached chunks: React, and recharts (the largest, only drawn by the charts).
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 2 },
            // Its dependencies (d3, redux, …) follow it in (includeDependenciesRecursively, the default).
            { name: 'recharts', test: /[\\/]node_modules[\\/]recharts[\\/]/, priority: 1 },
            // Loaded on demand by the user editor only (accounts/credentials.ts imports them lazily).
            { name: 'nkeys', test: /[\\/]node_modules[\\/](@nats-io[\\/]nkeys|tweetnacl)[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: { proxy: Object.fromEntries(proxied.map((p) => [p, { target, changeOrigin: false }])) },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    globals: false,
  },
});
