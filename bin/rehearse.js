#!/usr/bin/env node
// The published entry: the compiled CLI. From a clone, `npm ci` builds dist/ through `prepare`.
import '../dist/cli/main.js';
