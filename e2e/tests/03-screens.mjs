// The other screens: nearby stops on the map, registration, the elderly-friendly modes, English.
import assert from 'node:assert/strict';
import { axe, signIn, registerCitizen } from '../helpers.mjs';

export const tests = {
  async 'nearby stops are listed and drawn on the map; a tap on the map picks a new point'({ page }) {
    await page.goto('/#/buses');
    // The first visit loads the feed's routes to find a starting point: slow on a busy machine.
    await page.getByRole('heading', { name: '附近公交' }).waitFor({ timeout: 60_000 });
    await page.locator('#nearby-stops li').first().waitFor();
    const map = page.locator('svg.map');
    assert.ok(await map.locator('.map-route').count() > 0, 'route shapes drawn');
    assert.ok(await map.locator('.map-stop').count() > 0, 'stops drawn');
    await axe(page, 'nearby');
    const where = await page.locator('#map-where').innerText();
    const box = await map.boundingBox();
    await page.mouse.click(box.x + box.width * 0.85, box.y + box.height * 0.5);
    await page.waitForFunction((w) => document.querySelector('#map-where').textContent !== w, where);
    assert.match(page.url(), /#\/buses\?lat=/);
    await page.getByRole('button', { name: /向北/ }).click();
    await page.locator('#nearby-stops li, .empty').first().waitFor();
  },

  async 'a new citizen registers and lands on an empty dashboard'({ page }) {
    await page.goto('/#/register');
    await axe(page, 'register');
    const phone = `139${String(Date.now()).slice(-8)}`;
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码').fill('e2e-Secret-9');
    await page.getByLabel('真实姓名').fill('李四');
    // An 18-character ID with a valid check digit (GB 11643), the README's example.
    await page.getByLabel('身份证号').fill('440524188001010014');
    await page.getByRole('button', { name: '注册' }).click();
    await page.getByRole('heading', { name: '您好，李四' }).waitFor();
    await page.getByText('还没有收藏站点。').waitFor();
  },

  async 'the other screens pass axe too'({ page }) {
    await signIn(page);
    for (const hash of ['#/me', '#/me/notifications', '#/me/activity', '#/bills/link', '#/bills/held', '#/appointments', '#/messages']) {
      await page.goto(`/${hash}`);
      await page.waitForFunction((hh) => location.hash === hh && document.querySelector('#screen-title'), hash);
      await axe(page, hash);
    }
  },

  async 'a wrong password is explained next to the form'({ page }) {
    await page.goto('/#/login');
    await page.getByLabel('手机号').fill('13800138000');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /请求编号/);
  },

  async 'large text and high contrast apply at once, keep passing axe, and stay after a reload'({ page }) {
    await signIn(page);
    await page.goto('/#/me');
    const before = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    await page.getByRole('switch', { name: '大字模式' }).check();
    await page.getByRole('switch', { name: '高对比度' }).check();
    const after = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    assert.ok(after >= before * 1.25, `text grows (${before} px to ${after} px)`);
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(0, 0, 0)');
    await axe(page, 'me, high contrast');
    await page.reload();
    await page.locator('#screen-title').waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('large-text') && document.documentElement.classList.contains('high-contrast')));
    await page.goto('/#/');
    await page.locator('#dashboard').waitFor();
    await axe(page, 'dashboard, large text and high contrast');
    // Every button and link in the main content is a large touch target (at least 44 by 44 CSS px).
    const small = await page.evaluate(() => [...document.querySelectorAll('main a.button, main button, nav a')]
      .filter((el) => el.offsetParent)
      .map((el) => [el.textContent.trim().slice(0, 20), el.getBoundingClientRect()])
      .filter(([, r]) => r.height < 44 || r.width < 44)
      .map(([n, r]) => `${n} ${Math.round(r.width)}x${Math.round(r.height)}`));
    assert.deepEqual(small, []);
  },

  async 'English replaces Chinese everywhere, is remembered, and the server keeps it for the citizen\'s other devices'({ page, browser, baseUrl }) {
    // A citizen of its own: the language is kept by the server, and the demo citizen's must stay Chinese for the others.
    const citizen = await registerCitizen(page, '赵六');
    await signIn(page, citizen);
    await page.getByRole('heading', { name: `您好，${citizen.name}` }).waitFor();
    const chosen = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/api/v1/me/language'));
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: `Hello, ${citizen.name}` }).waitFor();
    assert.equal((await chosen).status(), 200);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.goto('/#/me/activity');
    await page.getByRole('heading', { name: 'Account activity' }).waitFor();
    await page.locator('#activity li').first().waitFor();
    assert.match(await page.locator('#activity').innerText(), /Signed in/);
    await axe(page, 'activity (English)');
    await page.reload();
    await page.getByRole('heading', { name: 'Account activity' }).waitFor();
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('onestop.auth')).accessToken);
    const kept = await (await page.request.get('/api/v1/me/language', { headers: { Authorization: `Bearer ${token}` } })).json();
    assert.equal(kept.language, 'en');
    // Another device (a fresh browser context, nothing chosen on it) signs in and follows the server: English.
    const other = await browser.newContext({ baseURL: baseUrl, viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      other.setDefaultTimeout(20_000);
      const second = await other.newPage();
      await second.goto('/#/login');
      await second.getByLabel('手机号').fill(citizen.phone);
      await second.getByLabel('密码').fill(citizen.password);
      await second.getByRole('button', { name: '登录', exact: true }).click();
      await second.getByRole('heading', { name: `Hello, ${citizen.name}` }).waitFor();
      assert.equal(await second.evaluate(() => document.documentElement.lang), 'en');
    } finally {
      await other.close();
    }
  },
};
