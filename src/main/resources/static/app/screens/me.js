// Me: who I am, display settings (large text, high contrast), language, my activity, sign out.
import { api, logout } from '../api.js';
import { t, currentLanguage, setLanguage } from '../i18n.js';
import { h, title, section, empty, errorBox, fill, dateTime, statusText } from '../ui.js';
import { display, setDisplay } from '../state.js';

function toggle(id, label, hint, on, onChange) {
  const input = h('input', { type: 'checkbox', id, role: 'switch', checked: on, 'aria-describedby': `${id}-hint` });
  input.addEventListener('change', () => onChange(input.checked));
  return h('div', { class: 'toggle' },
    h('label', { for: id }, input, ' ', h('span', {}, label)),
    h('p', { class: 'hint', id: `${id}-hint` }, hint));
}

export async function render(ctx) {
  const me = await api('/api/v1/me');
  const lang = h('fieldset', { class: 'field' },
    h('legend', {}, t('me.language')),
    [['zh-CN', '简体中文'], ['en', 'English']].map(([code, name]) => h('label', { class: 'radio', lang: code },
      h('input', { type: 'radio', name: 'language', value: code, checked: currentLanguage() === code, onchange: () => setLanguage(code) }), ' ', name)));
  const signOut = h('button', { class: 'button button-danger button-block', type: 'button', id: 'sign-out' }, t('me.signOut'));
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    await logout();
    ctx.navigate('#/login');
  });
  return h('div', { class: 'screen' },
    title(t('me.title')),
    h('section', { class: 'card' }, h('dl', { class: 'facts' },
      h('dt', {}, t('me.name')), h('dd', {}, me.realName || ''),
      h('dt', {}, t('auth.phone')), h('dd', {}, me.phone),
      h('dt', {}, t('auth.idNumber')), h('dd', {}, me.idNumberMasked || ''))),
    section(t('me.display'),
      toggle('large-text', t('me.largeText'), t('me.largeTextHint'), display('largeText'), (on) => setDisplay('largeText', on)),
      toggle('high-contrast', t('me.highContrast'), t('me.highContrastHint'), display('highContrast'), (on) => setDisplay('highContrast', on)),
      lang),
    section(t('me.more'), h('ul', { class: 'list' },
      h('li', { class: 'list-item' }, h('a', { class: 'list-link', href: '#/me/activity' }, h('span', { class: 'list-title' }, t('me.activity')))),
      h('li', { class: 'list-item' }, h('a', { class: 'list-link', href: '#/messages' }, h('span', { class: 'list-title' }, t('messages.title')))),
      h('li', { class: 'list-item' }, h('a', { class: 'list-link', href: '#/appointments' }, h('span', { class: 'list-title' }, t('hospitals.myAppointments')))))),
    signOut);
}

export async function activity() {
  const list = h('ol', { class: 'list', id: 'activity' });
  const more = h('div');
  let next = null;
  const load = async () => {
    const page = await api(`/api/v1/me/activity?limit=20${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
    page.items.forEach((e) => list.append(h('li', { class: 'list-item' }, h('div', { class: 'list-body' },
      h('span', { class: 'list-title' }, statusText('action', e.action)),
      h('span', {}, h('span', { class: 'tag' }, statusText('outcome', e.outcome)), ' ', h('time', { datetime: e.occurredAt }, dateTime(e.occurredAt))),
      e.clientIp ? h('span', { class: 'muted small' }, t('me.fromIp', { ip: e.clientIp })) : null))));
    next = page.next || null;
    fill(more, next ? h('button', { class: 'button button-secondary button-block', type: 'button', onclick: () => load().catch((e) => fill(more, errorBox(e, load))) }, t('common.more')) : null);
    if (!list.children.length) fill(more, empty(t('me.noActivity')));
  };
  await load();
  return h('div', { class: 'screen' }, title(t('me.activity')), h('p', { class: 'muted' }, t('me.activityHint')), h('section', { class: 'card' }, list, more));
}
