/**
 * The Content-Security-Policy of both pages (also in their meta tags): scripts only from the app
 * plus 'wasm-unsafe-eval' for the WebAssembly kernels, workers from the app or Blob URLs (cpu-f32's
 * threads), nothing remote.
 */
export const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws://localhost:*; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
