// Svelte's compiler options; TypeScript in components is preprocessed by Vite.
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

export default {
  preprocess: vitePreprocess(),
};
