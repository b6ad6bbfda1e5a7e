import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// In development the API runs on its own port; the app calls it on the same origin through this proxy.
const api = process.env.MINQING_API_URL ?? 'http://localhost:8080';
const proxy = { '/api': api, '/tiles': api, '/open311': api };

export default defineConfig({
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // MapLibre alone is about 1 MB minified; it is loaded only with the map view.
    chunkSizeWarningLimit: 1400,
  },
});
