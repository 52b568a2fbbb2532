#!/usr/bin/env node
// Copies a template to its output with the build's SITE_TITLE and NODE_ENV written in.
const fs = require('node:fs');
const path = require('node:path');
const [from, to] = process.argv.slice(2);
fs.mkdirSync(path.dirname(to), { recursive: true });
fs.writeFileSync(
  to,
  fs
    .readFileSync(from, 'utf8')
    .replaceAll('{{title}}', process.env.SITE_TITLE ?? 'untitled')
    .replace('{{env}}', process.env.NODE_ENV ?? 'unset'),
);
console.log(`stamp: wrote ${to}`);
