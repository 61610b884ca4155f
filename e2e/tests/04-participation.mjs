// Participation (诉求): file a case (one Idempotency-Key, safe to retry), my cases and a case's timeline, a case
// about a stop routed to the transit operator, the published replies and figures, rating a paid bill (好差评).
import assert from 'node:assert/strict';
import { axe, signIn } from '../helpers.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function token(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('onestop.auth')).accessToken);
}

async function apiGet(page, path) {
  const res = await page.request.get(path, { headers: { Authorization: `Bearer ${await token(page)}`, 'Accept-Language': 'zh-CN' } });
  assert.equal(res.status(), 200, `GET ${path}`);
  return res.json();
}

/** Fills the case form: the type is the first (投诉, COMPLAINT), the category by its code. */
async function fillCase(page, { category = 'ROADS', title, text, publicConsent = false }) {
  await page.getByRole('heading', { name: '我要反映', level: 1 }).waitFor();
  await page.getByLabel('分类').selectOption(category);
  await page.getByLabel('标题').fill(title);
  await page.getByLabel('内容').fill(text);
  if (publicConsent) await page.getByLabel('同意公开（隐去个人信息）').check();
}

export const tests = {
  async 'a case is filed with an Idempotency-Key and shows in my cases with its timeline'({ page }) {
    await signIn(page);
    await page.getByRole('link', { name: /诉求/ }).first().click();
    await page.getByRole('heading', { name: '诉求', level: 1 }).waitFor();
    await page.getByRole('link', { name: /我要反映/ }).click();
    const title = `人行道井盖松动 ${Date.now()}`;
    await fillCase(page, { title, text: '解放路口人行道的井盖踩上去会晃，晚上看不清，容易绊倒。', publicConsent: true });
    await axe(page, 'file a case');
    const filed = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/cases'));
    await page.getByRole('button', { name: '提交', exact: true }).click();
    const request = await filed;
    assert.match(request.headers()['idempotency-key'] || '', UUID);
    const body = JSON.parse(request.postData());
    assert.deepEqual({ type: body.type, category: body.category, title: body.title, publicConsent: body.publicConsent },
      { type: 'COMPLAINT', category: 'ROADS', title, publicConsent: true });
    // The case's own screen: its title, SUBMITTED in words, its reference and the first timeline entry.
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    assert.equal(await page.locator('#case-status').innerText(), '已提交');
    const id = page.url().split('/').pop();
    const server = await apiGet(page, `/api/v1/cases/${id}`);
    assert.match(server.reference, /^GZ/);
    await page.getByText(server.reference).first().waitFor();
    await page.getByRole('heading', { name: '办理进度' }).waitFor();
    assert.equal(await page.locator('.timeline li').count(), server.timeline.length);
    assert.ok(server.timeline.length >= 1, 'the filing is on the timeline');
    await axe(page, 'a case');
    // My cases lists it once, as submitted.
    await page.getByRole('link', { name: '我的诉求' }).click();
    await page.locator(`#cases a[data-case="${id}"][data-status="SUBMITTED"]`).waitFor();
    const mine = await apiGet(page, '/api/v1/me/cases?limit=100');
    assert.equal(mine.items.filter((c) => c.title === title).length, 1);
    await axe(page, 'my cases');
  },

  async 'a case filed whose answer was lost is sent again with the same key and filed once'({ page }) {
    await signIn(page);
    const keys = [];
    let first = true;
    await page.route('**/api/v1/cases', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key']);
      if (first) {
        first = false;
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await page.goto('/#/cases/new');
    const title = `路灯不亮 ${Date.now()}`;
    await fillCase(page, { category: 'ROADS', title, text: '人民路北段三盏路灯连续一周晚上不亮。' });
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.getByText('再次提交不会重复立案').waitFor();
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1], 'the second attempt carries the first one\'s key');
    const mine = await apiGet(page, '/api/v1/me/cases?limit=100');
    assert.equal(mine.items.filter((c) => c.title === title).length, 1, 'one case filed');
  },

  async 'a problem reported from a stop\'s board goes to the transit operator'({ page }) {
    await signIn(page);
    await page.goto(`/#/buses/stops/${encodeURIComponent('demo:E5')}`);
    await page.getByRole('link', { name: '反映问题' }).click();
    const title = `候车亭玻璃破损 ${Date.now()}`;
    await fillCase(page, { category: 'OTHER', title, text: '站台候车亭右侧玻璃碎了，有碎片。' });
    const filed = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/cases'));
    await page.getByRole('button', { name: '提交', exact: true }).click();
    assert.deepEqual(JSON.parse((await filed).postData()).subject, { kind: 'STOP', id: 'demo:E5' });
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    // The subject wins over the category (docs/participation.md): the transit operator, by its name.
    const departments = await (await page.request.get('/api/v1/participation/departments')).json();
    const transit = departments.find((d) => d.code === 'TRANSIT');
    assert.ok(transit, 'a TRANSIT department');
    await page.locator('#case dd', { hasText: transit.name }).waitFor();
  },

  async 'published replies, the figures per department and the service ratings are open to everyone'({ page }) {
    const published = await (await page.request.get('/api/v1/public/cases?limit=10')).json();
    assert.ok(published.items.length > 0, 'the demo publishes some replied cases');
    await page.goto('/#/cases/public');
    await page.getByRole('heading', { name: '诉求公开', level: 1 }).waitFor();
    await page.locator('#public-cases li').first().waitFor();
    // The same cases in the same order (latest reply first), each with its reply and whether it was on time.
    assert.deepEqual(await page.locator('#public-cases li').evaluateAll((els) => els.map((e) => e.dataset.reference)),
      published.items.map((c) => c.reference));
    const first = page.locator('#public-cases li').first();
    assert.match(await first.innerText(), new RegExp(published.items[0].repliedOnTime ? '按时答复' : '超期答复'));
    assert.ok((await first.innerText()).includes(published.items[0].reply.slice(0, 10)));
    // Per department, the sums of the months the stats endpoint gives.
    const stats = await (await page.request.get('/api/v1/public/cases/stats')).json();
    const departments = new Set(stats.items.map((m) => m.departmentId));
    assert.equal(await page.locator('#case-stats tbody tr').count(), departments.size);
    await page.getByRole('heading', { name: '服务评价（好差评）' }).waitFor();
    await axe(page, 'published replies');
  },

  async 'a paid bill is rated from its receipt, once'({ page }) {
    await signIn(page);
    let payments = (await apiGet(page, '/api/v1/billing/payments?limit=100')).items.filter((p) => p.status === 'SUCCEEDED' && p.receiptNumber);
    if (!payments.length) {
      // Run alone: pay a bill first.
      await page.goto('/#/bills');
      await page.locator('#unpaid-bills a').first().click();
      await page.locator('#pay').click();
      await page.getByRole('heading', { name: '电子回单' }).waitFor();
      payments = (await apiGet(page, '/api/v1/billing/payments?limit=100')).items.filter((p) => p.status === 'SUCCEEDED' && p.receiptNumber);
    }
    const payment = payments[0];
    await page.goto(`/#/receipts/${encodeURIComponent(payment.receiptNumber)}`);
    await page.getByRole('heading', { name: '评价这次服务' }).waitFor();
    await axe(page, 'receipt with rating');
    await page.getByLabel('4 星').check();
    await page.getByLabel('评价内容（选填）').fill('缴费很方便。');
    const rated = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/ratings'));
    await page.getByRole('button', { name: '提交评价' }).click();
    const response = await rated;
    assert.equal(response.status(), 201);
    assert.deepEqual(JSON.parse(response.request().postData()), { subject: { kind: 'PAYMENT', id: payment.id }, score: 4, text: '缴费很方便。' });
    assert.match(await page.locator('#rating-done').innerText(), /感谢您的评价：4 星/);
    // A second rating of the same payment is refused by the server (409 ALREADY_RATED) and said so.
    await page.reload();
    await page.getByLabel('5 星').check();
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('您已评价过这次服务。').waitFor();
    const ratings = await (await page.request.get('/api/v1/public/ratings')).json();
    assert.ok(ratings.items.some((r) => r.service === 'PAYMENT' && r.ratings >= 1), 'the rating is counted in public');
  },
};
