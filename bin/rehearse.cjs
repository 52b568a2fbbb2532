#!/usr/bin/env node
// The published entry: the CLI bundled into one file (see scripts/bundle-cli.mjs: it starts ~150 ms sooner than
// the ~900 files it is made of). From a clone, `npm ci` builds dist/ through `prepare`.
import '../dist/cli/main.bundle.mjs';
