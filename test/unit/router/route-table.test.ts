import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../../src/router/route-table.js';

const r = (prefix: string, component: string, extra = {}) => ({
  prefix,
  component,
  preservePathPrefix: false,
  line: 1,
  ...extra,
});

describe('RouteTable', () => {
  const t = new RouteTable([
    r('/', 'web'),
    r('/api', 'api'),
    r('/api/admin', 'admin', { preservePathPrefix: true }),
    r('/v1', 'api', { rewrite: '/api/v1/' }),
  ]);
  it.each([
    ['/', 'web', '/', false],
    ['/api', 'api', '/', true],
    ['/api/', 'api', '/', true],
    ['/api/users?x=1', 'api', '/users?x=1', true],
    ['/apix', 'web', '/apix', false],
    ['/api/admin/x', 'admin', '/api/admin/x', false],
    ['/v1/list', 'api', '/api/v1/list', true],
  ])('%s → %s %s', (path, component, upstream, stripped) => {
    const m = t.match(path)!;
    expect([m.route.component, m.upstreamPath, m.stripped]).toEqual([component, upstream, stripped]);
  });
  it('matches nothing without a catch-all route', () =>
    expect(new RouteTable([r('/api', 'api')]).match('/other')).toBeUndefined());
});
