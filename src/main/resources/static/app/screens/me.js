// Me: who I am, display settings (large text, high contrast), language, my activity, sign out.
import { api, logout } from '../api.js';
import { t, currentLanguage, setLanguage } from '../i18n.js';
import { h, title, section, empty, errorBox, fill, dateTime, statusText, toast } from '../ui.js';
import { display, setDisplay } from '../state.js';

function toggle(id, label, hint, on, onChange) {
  const input = h('input', { type: 'checkbox', id, role: 'switch', checked: on, 'aria-describedby': `${id}-hint` });
  input.addEventListener('change', () => onChange(input.checked));
  return h('div', { class: 'toggle' },
    h('label', { for: id }, input, ' ', h('span', {}, label)),
    h('p', { class: 'hint', id: `${id}-hint` }, hint));
}

/** The app's texts change at once; the server keeps the choice for notifications where it supports it (404 otherwise). */
export function chooseLanguage(code) {
  api('/api/v1/me/language', { method: 'PUT', body: { language: code } }).catch(() => {});
  setLanguage(code);
}

export async function render(ctx) {
  const me = await api('/api/v1/me');
  const lang = h('fieldset', { class: 'field' },
    h('legend', {}, t('me.language')),
    [['zh-CN', '简体中文'], ['en', 'English']].map(([code, name]) => h('label', { class: 'radio', lang: code },
      h('input', { type: 'radio', name: 'language', value: code, checked: currentLanguage() === code, onchange: () => chooseLanguage(code) }), ' ', name)));
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
      h('li', { class: 'list-item' }, h('a', { class: 'list-link', href: '#/me/family' }, h('span', { class: 'list-title' }, t('me.family')))),
      h('li', { class: 'list-item' }, h('a', { class: 'list-link', href: '#/me/notifications' }, h('span', { class: 'list-title' }, t('push.title')))),
      h('li', { class: 'list-item' }, h('a', { class: 'list-link', href: '#/messages' }, h('span', { class: 'list-title' }, t('messages.title')))),
      h('li', { class: 'list-item' }, h('a', { class: 'list-link', href: '#/appointments' }, h('span', { class: 'list-title' }, t('hospitals.myAppointments')))))),
    signOut);
}

export async function family(ctx) {
  const list = await api('/api/v1/me/family-members');
  const status = h('div', { class: 'form-status' });
  const field = (id, label, attrs = {}, hint) => h('div', { class: 'field' }, h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    h('input', { id, name: id, required: true, 'aria-describedby': hint ? `${id}-hint` : null, ...attrs }));
  const form = h('form', { class: 'card form', novalidate: true },
    h('h2', {}, t('me.addFamily')),
    field('memberName', t('me.familyName'), { autocomplete: 'off', maxlength: 50 }),
    field('idNumber', t('me.familyId'), { autocomplete: 'off', maxlength: 18 }, t('auth.idHint')),
    field('relationship', t('me.relationship'), { autocomplete: 'off', maxlength: 30 }, t('me.relationshipHint')),
    status,
    h('button', { class: 'button button-primary button-block', type: 'submit' }, t('me.addFamily')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    fill(status);
    try {
      await api('/api/v1/me/family-members', { method: 'POST', body: {
        name: form.memberName.value.trim(), idNumber: form.idNumber.value.trim().toUpperCase(), relationship: form.relationship.value.trim(),
      } });
      toast(t('me.familyAdded'), 'success');
      ctx.navigate('#/me/family');
    } catch (e) {
      fill(status, errorBox(e));
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', { class: 'screen' },
    title(t('me.family')),
    h('p', { class: 'muted' }, t('me.familyHint')),
    section(t('me.family'), list.items.length
      ? h('ul', { class: 'list', id: 'family' }, list.items.map((m) => h('li', { class: 'list-item' }, h('div', { class: 'list-body' },
        h('span', { class: 'list-title' }, `${m.name}（${m.relationship}）`), h('span', { class: 'muted' }, m.idNumberMasked || '')))))
      : empty(t('me.noFamily'))),
    form);
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
