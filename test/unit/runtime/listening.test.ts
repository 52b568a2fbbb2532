/** What a container listens on, from /proc/net/tcp{,6}, and the sentence that says why traffic cannot arrive. */
import { describe, expect, it } from 'vitest';
import { explainListeners, parseProcNetTcp, type Listener } from '../../../src/runtime/listening.js';

const HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const row = (local: string, state: string) =>
  `   0: ${local} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000  1000        0 12345 1`;

describe('parseProcNetTcp', () => {
  it.each<[string, string[], Listener[]]>([
    ['0.0.0.0:8080 listening', [row('00000000:1F90', '0A')], [{ address: '0.0.0.0', port: 8080 }]],
    ['127.0.0.1:8000 (little-endian)', [row('0100007F:1F40', '0A')], [{ address: '127.0.0.1', port: 8000 }]],
    ['an established connection is not a listener', [row('0100007F:1F40', '01')], []],
    ["Docker's DNS resolver is not the app", [row('0B00007F:8AE1', '0A')], []],
    ['IPv6 any', [row('00000000000000000000000000000000:1F90', '0A')], [{ address: '::', port: 8080 }]],
    ['IPv6 loopback', [row('00000000000000000000000001000000:0BB8', '0A')], [{ address: '::1', port: 3000 }]],
    ['IPv4-mapped IPv6', [row('0000000000000000FFFF00000100007F:1F90', '0A')], [{ address: '127.0.0.1', port: 8080 }]],
    [
      'several, in order',
      [row('00000000:1F90', '0A'), row('0100007F:0050', '0A')],
      [
        { address: '0.0.0.0', port: 8080 },
        { address: '127.0.0.1', port: 80 },
      ],
    ],
    ['nothing but the header', [], []],
  ])('%s', (_what, rows, expected) => {
    expect(parseProcNetTcp([HEAD, ...rows, ''].join('\n'))).toEqual(expected);
  });
});

describe('explainListeners', () => {
  it.each<[string, Listener[], RegExp | undefined]>([
    ['the right port on every interface', [{ address: '0.0.0.0', port: 8080 }], undefined],
    ['the right port on IPv6 any', [{ address: '::', port: 8080 }], undefined],
    [
      'the right port on loopback',
      [{ address: '127.0.0.1', port: 8080 }],
      /^web listens on 127\.0\.0\.1:8080, which only the container itself can reach; bind 0\.0\.0\.0:8080/,
    ],
    [
      'another port, every interface',
      [{ address: '0.0.0.0', port: 3000 }],
      /^web listens on 0\.0\.0\.0:3000, but the platform sends traffic to 0\.0\.0\.0:8080 \(\$PORT\); read the port from \$PORT$/,
    ],
    [
      'another port on loopback',
      [{ address: '127.0.0.1', port: 5000 }],
      /read the port from \$PORT and bind 0\.0\.0\.0$/,
    ],
    ['no port at all', [], /^web listens on no TCP port at all/],
  ])('%s', (_what, ls, sentence) => {
    const got = explainListeners('web', 8080, ls);
    if (sentence) expect(got).toMatch(sentence);
    else expect(got).toBeUndefined();
  });
});
