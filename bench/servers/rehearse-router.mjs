// rehearse's edge router from the built package, in one mode, in front of the benchmark upstream.
import { Router } from '../../dist/router/server.js';
const [port, target, mode] = process.argv.slice(2);
const router = new Router({
  routes: [{ prefix: '/', component: 'web', preservePathPrefix: false, line: 1 }],
  port: Number(port),
  limits: {
    mode,
    firstByteTimeoutSeconds: 100,
    idleTimeoutSeconds: 100,
    timeoutStatus: 504,
    timeoutCode: 'EDGE_TIMEOUT',
    maxBodyBytes: 100 * 1048576,
    maxHeaderBytes: 16384,
  },
  // App Platform's request shape, as `up` runs it: Host, X-Forwarded-*, do-connecting-ip, origin mapping.
  requestShape: {
    domain: 'bench-abcde.ondigitalocean.app',
    domains: new Set(),
    scheme: 'https',
    clientIpHeader: 'do-connecting-ip',
    owned: new Set(['do-connecting-ip', 'cf-connecting-ip', 'true-client-ip', 'x-client-ip', 'x-cluster-client-ip']),
  },
});
router.setUpstreams('web', [{ name: 'web-1', url: target }], 'live');
await router.listen();
process.send?.('ready');
