#!/usr/bin/env node
'use strict';
// Started by bin/rehearse. The CLI bundled into one CommonJS file (scripts/bundle-cli.mjs), compiled with V8's code
// cache. Node 20 has no compile cache of its own (module.enableCompileCache is Node 22), and compiling the ~2 MB
// bundle is most of a start: with the cache, loading the bundle takes ~45 ms instead of ~110 ms.
//
// The cache sits next to the bundle, never in a shared temporary folder: code cache is code, so it must be as
// trusted as the bundle itself. V8 rejects a cache made by another V8 version or for other source; the run then
// compiles from source as usual and writes a fresh cache on exit (if it may write there).
// CommonJS, as the bundle: Node starts a CommonJS entry ~10 ms sooner than an ES module one.
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, '../dist/cli/main.bundle.cjs');
const cacheFile = `${file}.${process.versions.v8}.${process.arch}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // no cache yet
}
const source = readFileSync(file, 'utf8');
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: file,
  cachedData,
});
if (!cachedData || script.cachedDataRejected || process.env.REHEARSE_CODE_CACHE === 'write')
  // At exit, so the cache holds every function this run compiled, not only the top level.
  process.once('exit', () => {
    try {
      writeFileSync(`${cacheFile}.${process.pid}`, script.createCachedData());
      renameSync(`${cacheFile}.${process.pid}`, cacheFile);
    } catch {
      // a read-only install: every start compiles from source, as without a cache
      rmSync(`${cacheFile}.${process.pid}`, { force: true });
    }
  });
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, path.dirname(file));
