// The CLI bundle's undici: the router needs its Client and its error classes, not fetch, WebSocket, caches and
// mocks, which undici's entry loads eagerly (~1 MB of source, ~30 ms of every start). Bundle-only: the library
// imports undici itself. If undici moves these files, the bundle build fails, never the bundle at run time.
import Client from 'undici/lib/dispatcher/client.js';
import errors from 'undici/lib/core/errors.js';

export { Client, errors };
