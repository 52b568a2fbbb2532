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
const base = `${file}.${process.versions.v8}.${process.arch}`;
// Two caches: one made by any command (at build time, `validate`), and one made by `rehearse up` once its app was
// live, which also holds the functions of a whole deploy (the build, the containers, the edge): a function the
// cache lacks is compiled from source on its first call, ~30 ms of a first deploy's start.
const UP = `${base}.up.cache`;
const ANY = `${base}.cache`;
let cachedData;
let from;
for (const f of [UP, ANY]) {
  try {
    cachedData = readFileSync(f);
    from = f;
    break;
  } catch {
    // not made yet
  }
}
const source = readFileSync(file, 'utf8');
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: file,
  cachedData,
});
const usable = cachedData !== undefined && !script.cachedDataRejected;

function writeCache(target) {
  try {
    writeFileSync(`${target}.${process.pid}`, script.createCachedData());
    renameSync(`${target}.${process.pid}`, target);
  } catch {
    // a read-only install: every start compiles from source, as without a cache
    rmSync(`${target}.${process.pid}`, { force: true });
  }
}
// At exit, so the cache holds every function this run compiled, not only the top level.
if (!usable || process.env.REHEARSE_CODE_CACHE === 'write') process.once('exit', () => writeCache(ANY));
// Called by `rehearse up` once its app is live (not at exit: a long session's unused bytecode is flushed by then).
globalThis[Symbol.for('rehearse.codeCache.deployed')] = () => {
  if (!usable || from !== UP) writeCache(UP);
};

const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, path.dirname(file));
