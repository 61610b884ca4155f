// The PWA itself: served at /, installable (manifest, icons, service worker), works offline, strict CSP respected.
import assert from 'node:assert/strict';
import { axe, signIn, serviceWorkerReady, fetchBounded } from '../helpers.mjs';

export const tests = {
  async 'the page, the manifest and the icons are served, and the service worker takes control'({ page, baseUrl }) {
    const res = await page.goto('/');
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-security-policy'] || '', /script-src 'self'/);
    const manifestHref = await page.locator('link[rel=manifest]').getAttribute('href');
    const manifest = await (await fetchBounded(new URL(manifestHref, baseUrl))).json();
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, '/#/');
    for (const size of ['192x192', '512x512']) {
      const icon = manifest.icons.find((i) => i.sizes === size && i.type === 'image/png');
      assert.ok(icon, `an icon of ${size}`);
      const img = await fetchBounded(new URL(icon.src, baseUrl));
      assert.equal(img.status, 200);
      assert.equal(img.headers.get('content-type'), 'image/png');
    }
    assert.ok(manifest.icons.some((i) => i.purpose === 'maskable'), 'a maskable icon');
    const scope = await serviceWorkerReady(page);
    assert.equal(scope, `${baseUrl}/`);
  },

  async 'the app starts offline from the service worker cache'({ page, context }) {
    await page.goto('/#/login');
    await serviceWorkerReady(page);
    // The first load installed the worker; a reload goes through it and fills the cache.
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: '登录一站通' }).waitFor();
    await context.setOffline(false);
  },

  async 'no content security policy violation on any screen (csp enforced)'({ page, consoleErrors }) {
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await signIn(page);
    for (const hash of ['#/buses', '#/bills', '#/bills/held', '#/hospitals', '#/messages', '#/me', '#/me/family', '#/me/notifications', '#/me/activity']) {
      await page.goto(`/${hash}`);
      await page.locator('#screen-title').waitFor();
      await page.waitForFunction(() => !document.querySelector('main[aria-busy="true"]'));
    }
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy/i.test(e)), []);
  },

  async 'the sign-in screen passes axe'({ page }) {
    await page.goto('/#/login');
    await page.getByRole('heading', { name: '登录一站通' }).waitFor();
    await axe(page, 'sign in');
  },
};
