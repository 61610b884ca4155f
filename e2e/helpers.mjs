// Shared steps of the browser tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const DEMO = { phone: '13800138000', password: 'OneStop-Demo-1', name: '张三' };

/**
 * A resident ID number (GB 11643) with a valid check digit: 17 digits (area 440106, birth date, a sequence number)
 * and the check character from the standard's weights (sum of digit × weight, mod 11, mapped through 10X98765432).
 */
export function residentId(sequence) {
  const body = `440106199001${String(10 + (sequence % 18)).padStart(2, '0')}${String(sequence % 1000).padStart(3, '0')}`.slice(0, 17);
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

// One base per run and a counter, so no two citizens of a run share a phone or an ID number (the database is fresh
// for every run the runner starts; the base keeps runs against one E2E_BASE_URL apart as well).
const RUN_BASE = Date.now() % 9000;
let registered = 0;

/**
 * Registers a new citizen through the API (for tests that change a citizen's settings, so that they never change the
 * demo citizen's for the tests after them) and returns how to sign in as them.
 */
export async function registerCitizen(page, name = '王小红') {
  registered++;
  const n = RUN_BASE + registered;
  const citizen = { phone: `1370000${String(n).padStart(4, '0')}`, password: 'e2e-Secret-9', name };
  const res = await page.request.post('/api/v1/auth/register', {
    data: { phone: citizen.phone, password: citizen.password, realName: name, idNumber: residentId(n) },
  });
  assert.equal(res.status(), 201, `register: ${await res.text()}`);
  return citizen;
}

/** Signs in through the login form and waits for the dashboard. */
export async function signIn(page, { phone = DEMO.phone, password = DEMO.password } = {}) {
  await page.goto('/#/login');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('#dashboard').waitFor();
}

/**
 * Runs axe-core on the current screen (WCAG 2.0/2.1 A and AA rules plus best practices) and fails on any serious or
 * critical violation, listing each with the elements it found.
 */
export async function axe(page, label) {
  await page.waitForFunction(() => !document.querySelector('main[aria-busy="true"]'));
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations'],
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n         ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join('\n         ')}`);
  assert.equal(bad.length, 0, `axe on ${label}:\n       ${text.join('\n       ')}`);
  return result.violations.length;
}

/**
 * The service worker's registration once it is active, in at most ms: `navigator.serviceWorker.ready` alone never
 * settles when the worker fails to install, and an unbounded wait on it is how a run used to stall.
 */
export async function serviceWorkerReady(page, ms = 20_000) {
  const result = await page.evaluate(async (limit) => {
    const timeout = new Promise((res) => setTimeout(() => res(null), limit));
    const reg = await Promise.race([navigator.serviceWorker.ready, timeout]);
    if (reg) return { scope: reg.scope };
    const now = await navigator.serviceWorker.getRegistration();
    return { state: now ? (now.installing ? 'installing' : now.waiting ? 'waiting' : 'none active') : 'not registered' };
  }, ms);
  assert.ok(result.scope, `the service worker is not active after ${ms / 1000} s (${result.state})`);
  return result.scope;
}

/** fetch from the test itself (not the page), with a time bound. */
export function fetchBounded(url, ms = 15_000) {
  return fetch(url, { signal: AbortSignal.timeout(ms) });
}

/** Accepts the next confirm() dialogs (book, cancel, unlink ask first). */
export function acceptDialogs(page) {
  page.on('dialog', (d) => d.accept());
}

export async function screenshot(page, out, name) {
  await page.screenshot({ path: join(out, name), fullPage: false });
}
