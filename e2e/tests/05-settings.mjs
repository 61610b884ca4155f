// Notification settings against the real endpoints: preferences per type (channels, quiet hours, SMS cap), and Web
// Push on this device (the VAPID key, the service worker's PushManager, POST/DELETE /api/v1/me/devices).
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { axe, signIn, registerCitizen } from '../helpers.mjs';

async function apiGet(page, path) {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('onestop.auth')).accessToken);
  const res = await page.request.get(path, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status(), 200, `GET ${path}`);
  return res.json();
}

const base64url = (buf) => Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export const tests = {
  async 'notification preferences are read from the server and saved to it'({ page }) {
    // A citizen of its own: quiet hours must not change what the demo citizen's other tests receive.
    const citizen = await registerCitizen(page, '孙七');
    await signIn(page, citizen);
    await page.goto('/#/me/notifications');
    await page.getByRole('heading', { name: '消息提醒设置', level: 1 }).waitFor();
    const before = await apiGet(page, '/api/v1/me/notification-preferences');
    const type = 'PAYMENT_SUCCEEDED';
    assert.ok(before.channels[type], `the defaults name ${type}`);
    // The form shows the server's channels for the type, the inbox always on.
    for (const channel of ['IN_APP', 'WEB_PUSH', 'SMS']) {
      assert.equal(await page.locator(`input[name="${type}:${channel}"]`).isChecked(), before.channels[type].includes(channel), channel);
    }
    assert.ok(await page.locator(`input[name="${type}:IN_APP"]`).isDisabled());
    await axe(page, 'notification settings');
    const smsBefore = before.channels[type].includes('SMS');
    await page.locator(`input[name="${type}:SMS"]`).setChecked(!smsBefore);
    await page.getByLabel('开始').fill('22:00');
    await page.getByLabel('结束').fill('07:00');
    await page.getByLabel('每天最多短信条数（0–20）').fill('3');
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/api/v1/me/notification-preferences'));
    await page.getByRole('button', { name: '保存', exact: true }).click();
    assert.equal((await saved).status(), 200);
    await page.locator('.toast', { hasText: '已保存' }).waitFor();
    const after = await apiGet(page, '/api/v1/me/notification-preferences');
    assert.deepEqual(after.quietHours, { start: '22:00', end: '07:00' });
    assert.equal(after.smsDailyCap, 3);
    assert.equal(after.channels[type].includes('SMS'), !smsBefore);
    assert.ok(after.channels[type].includes('IN_APP'));
    // A reload shows what the server kept.
    await page.reload();
    await page.getByRole('heading', { name: '消息提醒设置', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('开始').inputValue(), '22:00');
    assert.equal(await page.locator(`input[name="${type}:SMS"]`).isChecked(), !smsBefore);
  },

  async 'turning push on registers this browser as a device with the server\'s VAPID key, and off removes it'({ page, context }) {
    // Headless Chromium on a closed network has no push service, so PushManager's subscribe is the one stand-in: it
    // records the applicationServerKey it is given and returns a subscription with a real P-256 key and a loopback
    // endpoint on which nothing listens. Everything else (the permission, the service worker, the VAPID key, the
    // device endpoints) is real.
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const p256dh = base64url(publicKey.export({ format: 'der', type: 'spki' }).subarray(-65));
    const auth = base64url(randomBytes(16));
    const endpoint = `http://127.0.0.1:9/push/e2e-${Date.now()}`;
    await context.grantPermissions(['notifications']);
    await page.addInitScript(({ endpoint: e, p256dh: p, auth: a }) => {
      const key = 'e2e.push.subscription';
      const toBase64url = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const subscription = () => ({
        endpoint: e,
        toJSON: () => ({ endpoint: e, keys: { p256dh: p, auth: a } }),
        unsubscribe: async () => { localStorage.removeItem(key); return true; },
      });
      PushManager.prototype.getSubscription = async function getSubscription() {
        return localStorage.getItem(key) ? subscription() : null;
      };
      PushManager.prototype.subscribe = async function subscribe(options) {
        localStorage.setItem(key, toBase64url(options.applicationServerKey));
        return subscription();
      };
    }, { endpoint, p256dh, auth });
    const citizen = await registerCitizen(page, '周八');
    await signIn(page, citizen);
    await page.goto('/#/me/notifications');
    const toggle = page.locator('#push-toggle');
    await toggle.waitFor();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    assert.equal((await toggle.innerText()).trim(), '开启本机推送');
    const registered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/me/devices'));
    await toggle.click();
    const response = await registered;
    assert.equal(response.status(), 201);
    assert.deepEqual(JSON.parse(response.request().postData()), { type: 'WEB_PUSH', endpoint, keys: { p256dh, auth } });
    // The subscription was made with the server's VAPID public key.
    const vapid = await (await page.request.get('/api/v1/push/vapid-public-key')).json();
    assert.equal(await page.evaluate(() => localStorage.getItem('e2e.push.subscription')), vapid.publicKey);
    await page.locator('.toast', { hasText: '已开启推送' }).waitFor();
    await page.waitForFunction(() => document.querySelector('#push-toggle')?.getAttribute('aria-pressed') === 'true');
    const devices = await apiGet(page, '/api/v1/me/devices');
    assert.deepEqual(devices.items.map((d) => [d.type, d.endpoint]), [['WEB_PUSH', endpoint]]);
    await axe(page, 'push on');
    const removed = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/api/v1/me/devices/'));
    await page.locator('#push-toggle').click();
    assert.equal((await removed).status(), 204);
    await page.waitForFunction(() => document.querySelector('#push-toggle')?.getAttribute('aria-pressed') === 'false');
    assert.deepEqual((await apiGet(page, '/api/v1/me/devices')).items, []);
  },
};
