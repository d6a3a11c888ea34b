import { defineConfig } from "vite";

/**
 * The UI is built once into `dist/`: `index.html` (the shell the app serves for every page) and
 * hashed files under `dist/assets/`, which the app serves at `/static/assets/` with a year-long
 * immutable cache. No inline script or style is emitted, so the pages run under a CSP without
 * `unsafe-inline`.
 */
export default defineConfig({
  base: "/static/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    // A data: URL would need `data:` in the CSP; every asset is a file instead.
    assetsInlineLimit: 0,
    // The polyfill is only for browsers without module preload; it would be one more script.
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
});
