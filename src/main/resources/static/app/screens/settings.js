// Notification settings: Web Push on this device (through the service worker) and preferences per type
// (channels, quiet hours, SMS cap). Shown when the server has them (GET answers 200).
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, title, section, empty, errorBox, fill, toast, statusText, busy } from '../ui.js';

const CHANNELS = ['IN_APP', 'WEB_PUSH', 'SMS'];

function urlBase64ToBytes(base64) {
  const padded = `${base64}${'='.repeat((4 - (base64.length % 4)) % 4)}`.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** Subscribes this browser through the service worker and registers the subscription as a device. */
async function turnOnPush() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) throw new Error(t('push.unsupported'));
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error(t('push.denied'));
  const { publicKey } = await api('/api/v1/push/vapid-public-key', { auth: false });
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription()
    || await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToBytes(publicKey) });
  const json = subscription.toJSON();
  return api('/api/v1/me/devices', { method: 'POST', body: { type: 'WEB_PUSH', endpoint: json.endpoint, keys: json.keys } });
}

async function turnOffPush(devices) {
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  const mine = subscription && devices.find((d) => d.endpoint === subscription.endpoint);
  if (mine) await api(`/api/v1/me/devices/${mine.id}`, { method: 'DELETE' });
  if (subscription) await subscription.unsubscribe();
}

export async function render(ctx) {
  const [prefs, devices, vapid] = await Promise.all([
    api('/api/v1/me/notification-preferences').catch(() => null),
    api('/api/v1/me/devices').catch(() => null),
    api('/api/v1/push/vapid-public-key', { auth: false }).catch(() => null),
  ]);
  const parts = [title(t('push.title'))];
  if (!prefs && !vapid) {
    parts.push(h('section', { class: 'card' }, empty(t('push.notAvailable'))));
    return h('div', { class: 'screen' }, parts);
  }
  if (vapid) {
    let subscribed = false;
    try {
      const registration = await navigator.serviceWorker?.ready;
      const subscription = await registration?.pushManager?.getSubscription();
      subscribed = !!subscription && (devices?.items || []).some((d) => d.endpoint === subscription.endpoint);
    } catch {
      subscribed = false;
    }
    const status = h('div', { 'aria-live': 'polite' });
    const toggle = h('button', { class: 'button button-primary', type: 'button', id: 'push-toggle', 'aria-pressed': subscribed ? 'true' : 'false' },
      subscribed ? t('push.turnOff') : t('push.turnOn'));
    toggle.addEventListener('click', busy(toggle, async () => {
      fill(status);
      try {
        if (subscribed) await turnOffPush(devices?.items || []);
        else await turnOnPush();
        toast(subscribed ? t('push.off') : t('push.on'), 'success');
        ctx.navigate(`#/me/notifications?t=${Date.now()}`);
      } catch (e) {
        fill(status, errorBox(e));
      }
    }));
    parts.push(section(t('push.thisDevice'), h('p', {}, t('push.hint')), toggle, status,
      devices?.items?.length ? h('p', { class: 'muted small' }, t('push.devices', { n: devices.items.length })) : null));
  }
  if (prefs) {
    const types = Object.keys(prefs.channels || {}).sort();
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const form = h('form', { class: 'form', novalidate: true },
      types.map((type) => h('fieldset', { class: 'field' },
        h('legend', {}, statusText('notification', type)),
        CHANNELS.map((c) => h('label', { class: 'radio' },
          h('input', { type: 'checkbox', name: `${type}:${c}`, checked: (prefs.channels[type] || []).includes(c), disabled: c === 'IN_APP' }),
          ' ', statusText('channel', c))))),
      h('fieldset', { class: 'field' }, h('legend', {}, t('push.quietHours')),
        h('p', { class: 'hint', id: 'quiet-hint' }, t('push.quietHint')),
        h('label', { for: 'quietStart' }, t('push.from')), h('input', { type: 'time', id: 'quietStart', name: 'quietStart', value: prefs.quietHours?.start || '', 'aria-describedby': 'quiet-hint' }),
        h('label', { for: 'quietEnd' }, t('push.to')), h('input', { type: 'time', id: 'quietEnd', name: 'quietEnd', value: prefs.quietHours?.end || '' })),
      h('div', { class: 'field' }, h('label', { for: 'smsDailyCap' }, t('push.smsCap')),
        h('input', { type: 'number', id: 'smsDailyCap', name: 'smsDailyCap', min: 0, max: 20, value: prefs.smsDailyCap ?? '' })),
      status,
      h('button', { class: 'button button-primary button-block', type: 'submit', id: 'save-preferences' }, t('push.save')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const channels = Object.fromEntries(types.map((type) => [type, CHANNELS.filter((c) => c === 'IN_APP' || form.elements[`${type}:${c}`]?.checked)]));
      const body = { channels, timeZone: prefs.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone };
      if (form.quietStart.value && form.quietEnd.value) body.quietHours = { start: form.quietStart.value, end: form.quietEnd.value };
      if (form.smsDailyCap.value !== '') body.smsDailyCap = Number(form.smsDailyCap.value);
      try {
        await api('/api/v1/me/notification-preferences', { method: 'PUT', body });
        toast(t('push.saved'), 'success');
      } catch (e) {
        fill(status, errorBox(e));
      }
    });
    parts.push(section(t('push.preferences'), form));
  }
  return h('div', { class: 'screen' }, parts);
}
