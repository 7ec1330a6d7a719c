import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API server serves dist/ from the same origin, so the app only ever calls relative URLs.
// In development (and `vite preview`) Vite proxies /api and the Socket.IO endpoint (with
// WebSockets) to it; KRING_API_ORIGIN points elsewhere than `npm start`'s port.
const apiOrigin = process.env.KRING_API_ORIGIN ?? "http://localhost:4000";
const proxy = {
  "/api": { target: apiOrigin, changeOrigin: false },
  "/socket.io": { target: apiOrigin, ws: true, changeOrigin: false },
};

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // scripts/bundle-size.mjs reads the manifest to add up what the resident route loads.
    manifest: true,
    // Every browser Kring supports has <link rel="modulepreload">; the polyfill would only add
    // bytes to the resident's first load.
    modulePreload: { polyfill: false },
    target: "es2022",
    rolldownOptions: {
      treeshake: {
        // @kring/protocol only declares zod schemas; without this every schema of the contract
        // (job payloads, dead letters, ...) would ship to the resident's tablet. Declaring the
        // zod builders pure lets unused schemas be dropped.
        manualPureFunctions: ["z"],
      },
    },
  },
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
});
