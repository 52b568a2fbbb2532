/**
 * A Django app configured for production (ALLOWED_HOSTS = its domain, SECURE_SSL_REDIRECT, SECURE_PROXY_SSL_HEADER,
 * CSRF_TRUSTED_ORIGINS, Secure cookies), signed into in Debian's headless Chromium through the local HTTPS origin;
 * and the same app without SECURE_PROXY_SSL_HEADER, whose redirect loop rehearse names with its fix.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { expect, it } from 'vitest';
import { componentEnv, startApp, type AppEvent } from '../../src/app/index.js';
import { caDir } from '../../src/router/local-ca.js';
import { ensureChromium } from '../helpers/chromium.js';
import { ROOT } from '../helpers/paths.js';

// This run's own CA, made on first use, never the developer's.
process.env.XDG_DATA_HOME = mkdtempSync(path.join(os.tmpdir(), 'rehearse-data-'));
const SPEC = path.join(ROOT, 'examples/django-prod/.do/app.yaml');
const LOOP = path.join(ROOT, 'examples/django-prod/.do/no-proxy-header.yaml');

/** A browser context that trusts exactly the edge's certificate (by its public key), nothing else. */
async function trustingContext(events: AppEvent[]) {
  const notice = events.find((e) => e.type === 'notice' && e.message.includes('certificate authority'));
  const cert = new X509Certificate(readFileSync(path.join(caDir(), 'localhost.crt')));
  const spki = createHash('sha256')
    .update(cert.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  const b = await chromium.launch({
    executablePath: ensureChromium(),
    // The flags of /work/.library/env/machines/node.md: no sandbox as root, no calls to Google's hosts.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
  return { notice, b, context: await b.newContext() };
}

it('a login form posted in Chromium through the local HTTPS origin signs in, as in production', async () => {
  const events: AppEvent[] = [];
  await using app = await startApp({ spec: SPEC, onEvent: (e) => events.push(e) });
  expect(app.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const { notice, b, context } = await trustingContext(events);
  // How to trust the CA is said once, when it is made.
  expect(notice).toBeDefined();
  try {
    // `rehearse env` shows what the container gets: production's forms, no port.
    const env = Object.fromEntries(componentEnv(SPEC, 'web').map((e) => [e.key, e.value]));
    expect(env.APP_URL).toMatch(/^https:\/\/django-shop-[0-9a-z]{5}\.ondigitalocean\.app$/);
    const inside = await app.exec('web', ['printenv', 'APP_URL']);
    expect(inside.stdout.trim()).toBe(env.APP_URL);

    const page = await context.newPage();
    const login = await page.goto(`${app.httpsUrl}/login`);
    expect(login?.status()).toBe(200);
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'open-sesame');
    await Promise.all([page.waitForURL(`${app.httpsUrl}/account`), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('Signed in as alice');
    // The app built its own URL from what the edge sent: its production origin.
    expect(await page.textContent('p')).toBe(`${env.APP_URL}/account`);
    const session = (await context.cookies()).find((c) => c.name === 'sessionid');
    expect(session).toMatchObject({ secure: true, domain: '127.0.0.1' });
  } finally {
    await b.close();
  }
  // A second start says nothing more about the CA.
  const again: AppEvent[] = [];
  await using second = await startApp({ spec: SPEC, onEvent: (e) => again.push(e) });
  expect(second.httpsUrl).toBeDefined();
  expect(again.some((e) => e.type === 'notice' && e.message.includes('certificate authority'))).toBe(false);
}, 400_000);

it('without SECURE_PROXY_SSL_HEADER the browser loops on redirects, and rehearse names the fix', async () => {
  const events: AppEvent[] = [];
  await using app = await startApp({ spec: LOOP, onEvent: (e) => events.push(e) });
  const { b, context } = await trustingContext(events);
  try {
    const page = await context.newPage();
    await expect(page.goto(`${app.httpsUrl}/login`)).rejects.toThrow(/ERR_TOO_MANY_REDIRECTS/);
  } finally {
    await b.close();
  }
  const loop = events.find((e) => e.type === 'access' && e.entry.note?.startsWith('REDIRECT_LOOP'));
  expect(loop?.type === 'access' && loop.entry.note).toMatch(
    /web redirects https:\/\/127\.0\.0\.1:\d+\/login to itself.*SECURE_PROXY_SSL_HEADER = \('HTTP_X_FORWARDED_PROTO', 'https'\)/,
  );
}, 400_000);
