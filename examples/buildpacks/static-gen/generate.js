// A tiny site generator: each file in content/ becomes a page in public/.
const fs = require('node:fs');
fs.mkdirSync('public', { recursive: true });
for (const f of fs.readdirSync('content')) {
  const body = fs.readFileSync(`content/${f}`, 'utf8').trim();
  const name = f.replace(/\.txt$/, '.html');
  fs.writeFileSync(
    `public/${name}`,
    `<!doctype html><p>${body} (${process.env.DOCS_VERSION}, ${process.env.NODE_ENV})</p>`,
  );
}
console.log('generated', fs.readdirSync('public').join(' '));
