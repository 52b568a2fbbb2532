// The daily digest, in a worker component with one instance: it runs once, however many web instances serve.
// (Every 2 s here, so the catalog sees a few runs; production's would be daily.)
let run = 0;
setInterval(() => console.log(`[scheduler] daily digest: run ${++run}, emailed 120 subscribers`), 2000);
process.on('SIGTERM', () => process.exit(0));
