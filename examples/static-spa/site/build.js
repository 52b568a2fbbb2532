// The "build": writes the site into dist/, as a bundler would. No npm install needed.
const fs = require('node:fs');
fs.mkdirSync('dist/assets', { recursive: true });
fs.writeFileSync(
  'dist/index.html',
  `<!doctype html><title>spa</title><h1>built at ${process.env.BUILD_STAMP || 'unknown'}</h1><script src="/assets/app.js"></script>`,
);
fs.writeFileSync('dist/assets/app.js', 'fetch("/api/hello").then((r) => r.text()).then(console.log);');
fs.writeFileSync('dist/404.html', '<h1>not here</h1>');
console.log('built 3 files');
