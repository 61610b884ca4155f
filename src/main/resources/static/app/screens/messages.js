// Messages: my notifications, newest first, with new ones arriving live over the stream.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, title, empty, errorBox, fill, dateTime, statusText } from '../ui.js';
import { live, setUnread } from '../state.js';

function item(n) {
  const unread = !n.readAt;
  const node = h('li', { class: `message${unread ? ' unread' : ''}`, dataset: { type: n.type || '', id: n.id } },
    h('div', { class: 'message-head' },
      unread ? h('span', { class: 'tag tag-unread' }, t('messages.unread')) : h('span', { class: 'tag' }, t('messages.read')),
      ' ', h('strong', { class: 'message-title' }, n.title),
      ' ', h('span', { class: 'muted small' }, statusText('notification', n.type))),
    h('p', { class: 'message-body' }, n.body),
    h('p', { class: 'muted small' }, h('time', { datetime: n.createdAt }, dateTime(n.createdAt))));
  if (unread) {
    const mark = h('button', { class: 'button button-small button-secondary', type: 'button', 'aria-label': t('messages.markReadLabel', { title: n.title }) }, t('messages.markRead'));
    mark.addEventListener('click', async () => {
      mark.disabled = true;
      try {
        await api(`/api/v1/me/notifications/${n.id}/read`, { method: 'POST' });
        n.readAt = new Date().toISOString();
        setUnread(live.unread - 1);
        node.replaceWith(item(n));
      } catch (e) {
        mark.disabled = false;
        node.append(errorBox(e));
      }
    });
    node.append(mark);
  }
  return node;
}

export async function render(ctx) {
  const list = h('ol', { class: 'messages', id: 'messages', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const more = h('div');
  let next = null;
  const load = async () => {
    const page = await api(`/api/v1/me/notifications?limit=20${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
    page.items.forEach((n) => list.append(item(n)));
    next = page.next || null;
    fill(more, next ? h('button', {
      class: 'button button-secondary button-block', type: 'button',
      onclick: () => load().catch((e) => fill(more, errorBox(e, load))),
    }, t('common.more')) : null);
    if (!list.children.length) fill(more, empty(t('messages.none')));
  };
  await load();
  ctx.onDispose(live.onNotification((n) => {
    list.prepend(item(n));
    if (!next) fill(more);
  }));
  const streamState = document.documentElement.getAttribute('data-notifications');
  return h('div', { class: 'screen' },
    title(t('messages.title')),
    h('p', { class: 'muted small', id: 'stream-state' }, streamState === 'open' ? t('messages.live') : t('messages.liveConnecting')),
    h('section', { class: 'card' }, list, more));
}
