// The demo citizen's day: sign in, the dashboard, a live bus on a favourite stop's board, pay a bill and see the
// notification arrive, book and cancel an appointment. axe-core checks each screen on the way.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { axe, signIn, acceptDialogs, DEMO } from '../helpers.mjs';

/** Where the README's screenshots go: E2E_SCREENSHOTS (e.g. docs/images), else target/e2e/screens. */
function shots(out) {
  const dir = process.env.E2E_SCREENSHOTS ? process.env.E2E_SCREENSHOTS : join(out, 'screens');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The dashboard answers each section within its own time bound, so on a busy machine a section can come back
 * UNAVAILABLE: the screen says so and offers a retry, which the test takes (up to 4 times).
 */
/** The demo citizen's favourite stop (DemoFavorites): found by its id, since the demo city's names may change. */
const FAVOURITE = 'demo:E5';
const favouriteLink = (page) => page.locator(`#dashboard a[href="#/buses/stops/${encodeURIComponent(FAVOURITE)}"]`).first();

async function dashboardWithFavourite(page) {
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.locator('#dashboard').waitFor();
    if (await favouriteLink(page).count()) return;
    const retry = page.locator('.unavailable button').first();
    if (!(await retry.count())) break;
    await retry.click();
    await page.waitForFunction(() => !document.querySelector('main[aria-busy="true"]'));
  }
  await favouriteLink(page).waitFor();
}

async function hideToasts(page) {
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
}

export const tests = {
  async 'the demo citizen signs in and sees every dashboard section'({ page, out }) {
    await signIn(page);
    await page.getByRole('heading', { name: `您好，${DEMO.name}` }).waitFor();
    for (const heading of ['收藏的站点', '待缴账单', '近期预约']) await page.getByRole('heading', { name: heading }).waitFor();
    // The favourite stop of the demo data, by name, with its next buses.
    await dashboardWithFavourite(page);
    await page.locator('#dashboard').getByText('合计待缴').waitFor();
    await axe(page, 'dashboard');
    await hideToasts(page);
    await page.screenshot({ path: join(shots(out), 'dashboard.png') });
  },

  async 'a favourite stop\'s board shows a live bus with stops away and metres, updated over SSE'({ page, out, appStartedAt }) {
    await signIn(page);
    await dashboardWithFavourite(page);
    // The name the dashboard shows is the stop's name as the API gives it in Chinese; the board's title says it too.
    const name = (await favouriteLink(page).locator('.list-title').innerText()).trim();
    const stop = await (await page.request.get(`/api/v1/transit/stops/${encodeURIComponent(FAVOURITE)}`, { headers: { 'Accept-Language': 'zh-CN' } })).json();
    assert.equal(name, stop.name);
    await favouriteLink(page).click();
    await page.getByRole('heading', { name: stop.name, level: 1 }).waitFor();
    await page.locator('#board .board-row').first().waitFor();
    // The simulator moves buses about 25 s after start; wait for the stream to bring a live row.
    const waitMs = Math.max(30_000, 120_000 - (Date.now() - appStartedAt));
    // A bus that has just passed the stop is live too but shows 已过站, not stops away: look for one still coming.
    const live = page.locator('#board .board-row[data-live="true"]:not([data-status="PASSED"])').first();
    await live.waitFor({ timeout: waitMs });
    const text = await live.innerText();
    assert.match(text, /还有 \d+ 站/);
    assert.match(text, /(\d+ 米|\d+\.\d 公里)/);
    assert.match(text, /实时/);
    assert.equal(await page.locator('#board').getAttribute('data-stream'), 'open');
    const before = await page.locator('#live-state').innerText();
    await page.waitForFunction((b) => document.querySelector('#live-state').textContent !== b, before, { timeout: 45_000 });
    await page.getByRole('button', { name: /已收藏/ }).waitFor();
    await axe(page, 'live board');
    await hideToasts(page);
    await page.screenshot({ path: join(shots(out), 'live-board.png') });
  },

  async 'paying a bill shows its lines, a receipt, and the notification arrives live'({ page }) {
    await signIn(page);
    const unreadBefore = await page.evaluate(() => Number(document.querySelector('#bell .badge')?.textContent || 0));
    await page.goto('/#/bills');
    await page.getByRole('heading', { name: '生活缴费' }).waitFor();
    await axe(page, 'bills');
    await page.locator('#unpaid-bills a').first().click();
    await page.getByRole('heading', { name: '费用明细' }).waitFor();
    const rows = page.locator('table.lines tbody tr');
    assert.ok(await rows.count() >= 1, 'the bill explains itself line by line');
    await axe(page, 'bill');
    const payments = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/payments')) payments.push(r.headers()['idempotency-key']); });
    await page.locator('#pay').click();
    await page.getByRole('heading', { name: '电子回单' }).waitFor();
    // Scoped to the receipt: the PAYMENT_SUCCEEDED toast (titled 缴费成功 too) may already be on screen.
    await page.locator('#receipt').getByText('缴费成功').waitFor();
    assert.equal(payments.length, 1);
    assert.match(payments[0], /^[0-9a-f-]{36}$/);
    await axe(page, 'receipt');
    // The PAYMENT_SUCCEEDED notification comes over the stream: a toast, and the bell counts it.
    await page.locator('.toast', { hasText: /Payment received|缴费|支付/ }).first().waitFor({ timeout: 30_000 });
    await page.waitForFunction((n) => Number(document.querySelector('#bell .badge')?.textContent || 0) > n, unreadBefore);
    await page.goto('/#/messages');
    await page.locator('#messages li[data-type="PAYMENT_SUCCEEDED"]').first().waitFor();
    await axe(page, 'messages');
  },

  async 'a payment whose answer was lost is retried with the same Idempotency-Key and charges once'({ page }) {
    await signIn(page);
    await page.goto('/#/bills');
    await page.locator('#unpaid-bills a').first().waitFor();
    const href = await page.locator('#unpaid-bills a').first().getAttribute('href');
    const billId = href.split('/').pop();
    const keys = [];
    let first = true;
    // The first attempt reaches the server and is charged, but its answer is lost on the way back.
    await page.route(`**/api/v1/billing/bills/${billId}/payments`, async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (first) {
        first = false;
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await page.goto(`/${href}`);
    await page.locator('#pay').click();
    await page.getByText('重新提交不会重复扣款', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: /重新提交支付/ }).click();
    await page.getByRole('heading', { name: '电子回单' }).waitFor();
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1], 'the retry carries the first attempt\'s key');
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('onestop.auth')).accessToken);
    const res = await page.request.get('/api/v1/billing/payments?limit=100', { headers: { Authorization: `Bearer ${token}` } });
    const forBill = (await res.json()).items.filter((p) => p.billId === billId);
    assert.equal(forBill.length, 1, 'one payment for the bill');
  },

  async 'an appointment is booked from a free slot and then cancelled'({ page }) {
    acceptDialogs(page);
    await signIn(page);
    await page.goto('/#/hospitals');
    await page.getByRole('heading', { name: '预约挂号' }).waitFor();
    await axe(page, 'hospitals');
    await page.locator('#hospitals a').first().click();
    await page.locator('#departments a').first().click();
    await page.getByRole('heading', { name: '选择日期' }).waitFor();
    // Tomorrow is chosen first; look a few days ahead for a free slot.
    let slot = null;
    for (let day = 1; day < 7 && !slot; day++) {
      await page.locator('.day-picker .day').nth(day).click();
      await page.waitForFunction(() => document.querySelector('[aria-busy="false"] .sessions, [aria-busy="false"] .empty'));
      const free = page.locator('.slot:not([disabled])');
      if (await free.count()) slot = free.first();
    }
    assert.ok(slot, 'a free slot in the coming week');
    await axe(page, 'availability');
    await slot.click();
    await page.getByRole('heading', { name: '预约详情' }).waitFor();
    assert.equal(await page.locator('#appointment-status').innerText(), '已预约');
    await axe(page, 'appointment');
    await page.locator('#cancel-appointment').click();
    await page.waitForFunction(() => document.querySelector('#appointment-status')?.textContent === '已取消');
    await page.goto('/#/appointments');
    await page.locator('#appointments a[data-status="CANCELLED"]').first().waitFor();
  },

  async 'a family member is added and booked for, with their patientId'({ page }) {
    acceptDialogs(page);
    await signIn(page);
    await page.goto('/#/me/family');
    await page.getByRole('heading', { name: '家庭成员', level: 1 }).waitFor();
    await axe(page, 'family members');
    await page.getByLabel('姓名').fill('张小明');
    // A resident ID with a valid GB 11643 check digit (computed by hand from the weights 7 9 10 5 8 4 2 1 6 3 ...).
    await page.getByLabel('身份证号').fill('440106201501010028');
    await page.getByLabel('关系').fill('儿子');
    await page.getByRole('button', { name: '添加家庭成员' }).click();
    await page.locator('#family li', { hasText: '张小明' }).waitFor();
    await page.goto('/#/hospitals');
    await page.locator('#hospitals a').first().click();
    await page.locator('#departments a').nth(1).click();
    await page.getByLabel('就诊人').selectOption({ label: '张小明（儿子）' });
    let slot = null;
    for (let day = 1; day < 7 && !slot; day++) {
      await page.locator('.day-picker .day').nth(day).click();
      await page.waitForFunction(() => document.querySelector('[aria-busy="false"] .sessions, [aria-busy="false"] .empty'));
      const free = page.locator('.slot:not([disabled])');
      if (await free.count()) slot = free.first();
    }
    assert.ok(slot, 'a free slot in the coming week');
    const booked = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/booking/appointments'));
    await slot.click();
    const body = JSON.parse((await booked).postData());
    await page.getByRole('heading', { name: '预约详情' }).waitFor();
    assert.ok(body.patientId, 'booked for the family member');
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('onestop.auth')).accessToken);
    const family = await (await page.request.get('/api/v1/me/family-members', { headers: { Authorization: `Bearer ${token}` } })).json();
    assert.equal(body.patientId, family.items.find((m) => m.name === '张小明').id);
  },
};
