// The app shell: hash routes to screens, the tab bar, the live notification stream, display settings, the service worker.
import { signedIn, onAuthChange, api } from './api.js';
import { t, setLanguage, currentLanguage, onLanguageChange } from './i18n.js';
import { h, fill, errorBox, toast } from './ui.js';
import { openStream } from './sse.js';
import { live, setUnread, onUnreadChange, applyDisplay } from './state.js';
import * as auth from './screens/auth.js';
import * as home from './screens/home.js';
import * as buses from './screens/buses.js';
import * as bills from './screens/bills.js';
import * as hospitals from './screens/hospitals.js';
import * as messages from './screens/messages.js';
import * as me from './screens/me.js';
import * as cases from './screens/cases.js';
import * as settings from './screens/settings.js';

/** [pattern, screen render function, needs sign-in, tab] — patterns are matched against the hash path. */
const ROUTES = [
  ['/login', auth.login, false, null],
  ['/register', auth.register, false, null],
  ['/', home.render, true, 'home'],
  ['/buses', buses.nearby, false, 'buses'],
  ['/buses/stops/:stopId', buses.board, false, 'buses'],
  ['/bills', bills.overview, true, 'bills'],
  ['/bills/link', bills.link, true, 'bills'],
  ['/bills/link/:verificationId', bills.verification, true, 'bills'],
  ['/bills/held', bills.held, true, 'bills'],
  ['/bills/:billId', bills.bill, true, 'bills'],
  ['/receipts/:number', bills.receipt, true, 'bills'],
  ['/hospitals', hospitals.list, true, 'hospitals'],
  ['/hospitals/:hospitalId', hospitals.hospital, true, 'hospitals'],
  ['/departments/:departmentId', hospitals.availability, true, 'hospitals'],
  ['/appointments', hospitals.appointments, true, 'hospitals'],
  ['/appointments/:appointmentId', hospitals.appointment, true, 'hospitals'],
  ['/messages', messages.render, true, 'messages'],
  ['/me', me.render, true, 'me'],
  ['/me/activity', me.activity, true, 'me'],
  ['/me/family', me.family, true, 'me'],
  ['/me/notifications', settings.render, true, 'me'],
  ['/cases', cases.list, true, 'home'],
  ['/cases/new', cases.file, true, 'home'],
  ['/cases/public', cases.published, false, 'home'],
  ['/cases/:caseId', cases.detail, true, 'home'],
];

const TABS = [
  ['home', '#/', 'tab.home', '⌂'],
  ['buses', '#/buses', 'tab.buses', '🚌'],
  ['bills', '#/bills', 'tab.bills', '¥'],
  ['hospitals', '#/hospitals', 'tab.hospitals', '✚'],
  ['me', '#/me', 'tab.me', '☺'],
];


let disposers = [];
let renderSeq = 0;

function match(path) {
  for (const [pattern, render, needsAuth, tab] of ROUTES) {
    const names = [];
    const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; })}$`);
    const m = re.exec(path);
    if (m) {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      return { render, needsAuth, tab, params };
    }
  }
  return null;
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const seq = ++renderSeq;
  disposers.forEach((d) => { try { d(); } catch { /* a failed cleanup must not stop the next screen */ } });
  disposers = [];
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, queryString] = raw.split('?');
  const query = new URLSearchParams(queryString || '');
  const main = document.getElementById('main');
  const found = match(path);
  if (!found) {
    renderTabs(null);
    fill(main, h('div', { class: 'screen-head' }, h('h1', { tabindex: '-1', id: 'screen-title' }, t('error.notFoundTitle'))),
      h('p', { class: 'card' }, t('error.notFound'), ' ', h('a', { href: '#/' }, t('tab.home'))));
    focusTitle();
    return;
  }
  if (found.needsAuth && !signedIn()) {
    location.replace(`#/login?next=${encodeURIComponent(raw)}`);
    return;
  }
  renderTabs(found.tab);
  renderTopBar();
  main.setAttribute('aria-busy', 'true');
  const ctx = {
    params: found.params,
    query,
    navigate,
    live,
    onDispose: (fn) => disposers.push(fn),
    get current() { return seq === renderSeq; },
  };
  try {
    const node = await found.render(ctx);
    if (seq !== renderSeq) return;
    fill(main, node);
  } catch (e) {
    if (seq !== renderSeq) return;
    console.error(e);
    fill(main, h('div', { class: 'screen-head' }, h('h1', { tabindex: '-1', id: 'screen-title' }, t('error.title'))), errorBox(e, () => route()));
  }
  main.removeAttribute('aria-busy');
  document.title = `${document.getElementById('screen-title')?.textContent || ''} · ${t('app.name')}`;
  focusTitle();
}

function focusTitle() {
  const heading = document.getElementById('screen-title');
  if (heading) heading.focus({ preventScroll: false });
  window.scrollTo(0, 0);
}

function renderTabs(active) {
  const nav = document.getElementById('tab-bar');
  nav.hidden = !signedIn() && active !== 'buses';
  nav.setAttribute('aria-label', t('tab.label'));
  fill(nav, h('ul', {}, TABS.map(([key, href, label, icon]) => h('li', {},
    h('a', { href, class: key === active ? 'tab active' : 'tab', 'aria-current': key === active ? 'page' : null },
      h('span', { class: 'tab-icon', 'aria-hidden': 'true' }, icon), h('span', { class: 'tab-label' }, t(label)))))));
}

function renderTopBar() {
  const bar = document.getElementById('top-actions');
  const brand = document.getElementById('brand');
  brand.textContent = t('app.name');
  document.getElementById('skip-link').textContent = t('app.skip');
  const lang = h('button', {
    class: 'chip', type: 'button', lang: currentLanguage() === 'en' ? 'zh-CN' : 'en',
    onclick: () => {
      const next = currentLanguage() === 'en' ? 'zh-CN' : 'en';
      if (signedIn()) me.chooseLanguage(next);
      else setLanguage(next);
    },
  }, currentLanguage() === 'en' ? '中文' : 'English');
  lang.setAttribute('aria-label', currentLanguage() === 'en' ? '切换到中文' : 'Switch to English');
  const items = [lang];
  if (signedIn()) {
    // The name is the visible text plus a hidden word: "消息 2 条未读" / "Messages 2 unread".
    items.unshift(h('a', { class: 'chip bell', href: '#/messages', id: 'bell' },
      h('span', { 'aria-hidden': 'true' }, '🔔'), ' ',
      h('span', { class: 'bell-text' }, t('messages.title')),
      live.unread > 0 ? [' ', h('span', { class: 'badge' }, String(live.unread)), h('span', { class: 'visually-hidden' }, ` ${t('messages.unreadSuffix')}`)] : null));
  } else {
    items.unshift(h('a', { class: 'chip', href: '#/login' }, t('auth.signIn')));
  }
  fill(bar, items);
}


// The live notification stream: one per signed-in tab, feeding the bell, the toasts and the messages screen.
let stream = null;

async function startNotifications() {
  stopNotifications();
  if (!signedIn()) return;
  try {
    const dash = await api('/api/v1/me/dashboard');
    if (dash?.unreadNotifications?.status === 'OK') setUnread(dash.unreadNotifications.count);
  } catch {
    /* the count is a nicety; the stream below still runs */
  }
  stream = openStream('/api/v1/me/notifications/stream', {
    auth: true,
    onEvent: (msg) => {
      if (msg.event !== 'notification') return;
      let n;
      try { n = JSON.parse(msg.data); } catch { return; }
      setUnread(live.unread + 1);
      toast(`${n.title}: ${n.body}`, 'info', { href: '#/messages' });
      live.listeners.forEach((l) => l(n));
    },
    onState: (state) => document.documentElement.setAttribute('data-notifications', state),
  });
}

function stopNotifications() {
  stream?.close();
  stream = null;
}


function start() {
  applyDisplay();
  setLanguage(currentLanguage(), { quiet: true });
  onLanguageChange(() => route());
  onUnreadChange(() => renderTopBar());
  onAuthChange((inNow) => {
    if (inNow) startNotifications();
    else {
      stopNotifications();
      setUnread(0);
    }
  });
  window.addEventListener('hashchange', route);
  route();
  startNotifications();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e) => console.warn('service worker', e));
  }
}

start();
