// The CLI as one file: Node 20 spends more of a `rehearse up` resolving and reading ~900 module files
// (dockerode alone pulls in ssh2, grpc and protobufjs) than starting. One bundled file, next to the compiled
// CLI so every relative path (sandbox/, package.json, createRequire) resolves as it does from dist/cli/main.js.
// The library (`import { startApp } from 'rehearse'`) stays the plain tsc output.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/cli/main.bundle.mjs',
  bundle: true,
  // Not minified: `--verbose` stack traces keep their names, and minifying bought no start-up time here.
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Optional native add-ons of ssh2: required inside try/catch, absent here, never bundled.
  external: ['cpu-features', '*.node'],
  // CommonJS dependencies in an ES module need require, __filename and __dirname.
  banner: {
    js: [
      "import { createRequire as __rehearseRequire } from 'node:module';",
      "import { fileURLToPath as __rehearsePath } from 'node:url';",
      'const require = __rehearseRequire(import.meta.url);',
      'const __filename = __rehearsePath(import.meta.url);',
      "const __dirname = __rehearsePath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
  logLevel: 'warning',
});
