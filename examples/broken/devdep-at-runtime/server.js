// Needs `greeting` at run time, but package.json lists it under devDependencies.
const http = require('node:http');
const greeting = require('greeting');

http.createServer((req, res) => res.end(greeting('world') + '\n')).listen(Number(process.env.PORT ?? 8080), '0.0.0.0');
