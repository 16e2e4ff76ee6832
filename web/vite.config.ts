import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The console is built straight into the Python package, which serves it at "/".
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../src/customlabels/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8000" } },
});
