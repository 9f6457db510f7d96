import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev stack's OpenID Provider accepts redirects to http://127.0.0.1:5173/ and its STS and S3
// answer CORS for that origin: serve there (another origin needs the dev stack configured for it).
const local = { host: '127.0.0.1', port: 5173, strictPort: true };

export default defineConfig({
  // @vitejs/plugin-react also keeps the build quiet about the `'use client'` directives at the top
  // of @fedcreds/react's files (Server Components markers, meaningless in a single-page app).
  plugins: [react()],
  server: local,
  preview: local,
  build: {
    rolldownOptions: {
      output: {
        // The AWS SDK in a chunk of its own (~240 kB of ~610 kB): it changes less often than the
        // app, and each chunk stays under Vite's 500 kB warning.
        codeSplitting: {
          groups: [
            { name: 'aws-sdk', test: /[\\/]node_modules[\\/]@(aws-sdk|smithy|aws-crypto)[\\/]/ },
          ],
        },
      },
    },
  },
});
