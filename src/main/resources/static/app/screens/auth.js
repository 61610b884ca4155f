// Sign in and register.
import { api, login as signIn, ApiError } from '../api.js';
import { t, currentLanguage, setLanguage, languageChosenHere } from '../i18n.js';
import { h, title, errorBox, fill, toast } from '../ui.js';

function field(id, label, attrs = {}, hint) {
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    h('input', { id, name: id, 'aria-describedby': hint ? `${id}-hint` : null, ...attrs }));
}

/**
 * After signing in, the device and the server agree on the language: one chosen on this device is kept by the
 * server too (it writes the citizen's notifications, SMS and push in it); else the server's choice applies here.
 * A server without GET/PUT /api/v1/me/language leaves the device's language as it is.
 */
async function agreeOnLanguage() {
  try {
    if (languageChosenHere()) {
      await api('/api/v1/me/language', { method: 'PUT', body: { language: currentLanguage() } });
    } else {
      const server = await api('/api/v1/me/language');
      if (server?.language && server.language !== currentLanguage()) setLanguage(server.language, { quiet: true, remember: true });
    }
  } catch {
    /* the language is a nicety: signing in goes on */
  }
}

/** Marks fields the server rejected (errors[].field) so the user sees which one, not only a banner. */
function markInvalid(form, e) {
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  if (e instanceof ApiError) {
    for (const err of e.errors) {
      const input = form.querySelector(`[name="${err.field}"]`);
      if (input) input.setAttribute('aria-invalid', 'true');
    }
  }
}

export async function login(ctx) {
  const next = ctx.query.get('next') || '/';
  const status = h('div', { class: 'form-status' });
  const form = h('form', { class: 'card form', novalidate: true },
    field('phone', t('auth.phone'), { type: 'tel', autocomplete: 'username', inputmode: 'numeric', required: true }),
    field('password', t('auth.password'), { type: 'password', autocomplete: 'current-password', required: true }),
    status,
    h('button', { class: 'button button-primary button-block', type: 'submit' }, t('auth.signIn')),
    h('p', { class: 'muted' }, t('auth.demoHint')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    fill(status);
    try {
      await signIn(form.phone.value.trim(), form.password.value);
      await agreeOnLanguage();
      toast(t('auth.welcome'), 'success');
      ctx.navigate(`#${next.startsWith('/') ? next : '/'}`);
    } catch (e) {
      markInvalid(form, e);
      fill(status, errorBox(e));
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', { class: 'screen' },
    title(t('auth.signInTitle')),
    form,
    h('p', { class: 'center' }, t('auth.noAccount'), ' ', h('a', { href: '#/register' }, t('auth.register'))),
    h('p', { class: 'center' }, h('a', { href: '#/buses' }, t('auth.busesWithout'))));
}

export async function register(ctx) {
  const status = h('div', { class: 'form-status' });
  const form = h('form', { class: 'card form', novalidate: true },
    field('phone', t('auth.phone'), { type: 'tel', autocomplete: 'tel', inputmode: 'numeric', required: true }, t('auth.phoneHint')),
    field('password', t('auth.password'), { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 }, t('auth.passwordHint')),
    field('realName', t('auth.realName'), { type: 'text', autocomplete: 'name', required: true }),
    field('idNumber', t('auth.idNumber'), { type: 'text', autocomplete: 'off', required: true, maxlength: 18 }, t('auth.idHint')),
    status,
    h('button', { class: 'button button-primary button-block', type: 'submit' }, t('auth.register')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    fill(status);
    const body = {
      phone: form.phone.value.trim(),
      password: form.password.value,
      realName: form.realName.value.trim(),
      idNumber: form.idNumber.value.trim().toUpperCase(),
    };
    try {
      await api('/api/v1/auth/register', { method: 'POST', body, auth: false });
      await signIn(body.phone, body.password);
      toast(t('auth.registered'), 'success');
      ctx.navigate('#/');
    } catch (e) {
      markInvalid(form, e);
      fill(status, errorBox(e));
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', { class: 'screen' },
    title(t('auth.registerTitle')),
    form,
    h('p', { class: 'center' }, t('auth.haveAccount'), ' ', h('a', { href: '#/login' }, t('auth.signIn'))));
}
