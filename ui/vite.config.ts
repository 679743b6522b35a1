// Vite builds the UI into ui/dist, which the Tauri app embeds. Vitest runs the UI's unit tests
// in jsdom against the fake backend.
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    // Inline nothing as data: URLs, so the strict CSP never has to allow them for scripts.
    assetsInlineLimit: 0,
  },
  // Under Vitest, resolve Svelte's browser build so components mount in jsdom.
  resolve: mode === "test" ? { conditions: ["browser"] } : {},
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.ts"],
  },
}));
