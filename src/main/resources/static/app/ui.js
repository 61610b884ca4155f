// DOM helpers and formatting shared by the screens. No framework: h() builds elements, screens return nodes.
import { t, currentLanguage } from './i18n.js';

/** h('button', {class: 'x', onclick: fn, 'aria-label': '...'}, 'text', child...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A screen's title: the one h1, focused on navigation so a screen reader announces the new screen. */
export function title(text, ...extra) {
  return h('div', { class: 'screen-head' }, h('h1', { tabindex: '-1', id: 'screen-title' }, text), ...extra);
}

export function card(...children) {
  return h('section', { class: 'card' }, ...children);
}

export function section(heading, ...children) {
  const id = `s-${Math.random().toString(36).slice(2, 9)}`;
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, heading), ...children);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

/** An error as the user sees it: what happened, the server's detail, and the request id to quote. */
export function errorBox(e, retry) {
  const message = e?.code === 'NETWORK' ? t('error.network') : (e?.detail || e?.title || String(e?.message || e));
  return h('div', { class: 'error', role: 'alert' },
    h('p', { class: 'error-title' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, '⚠'), ' ', e?.title || t('error.title')),
    h('p', {}, message),
    e?.errors?.length ? h('ul', {}, e.errors.map((x) => h('li', {}, `${x.field}: ${x.message}`))) : null,
    e?.requestId ? h('p', { class: 'muted small' }, t('error.requestId', { id: e.requestId })) : null,
    retry ? h('button', { class: 'button', type: 'button', onclick: retry }, t('common.retry')) : null,
  );
}

let toastSeq = 0;

/** A short message in the polite live region (read out by screen readers), gone after a while. */
export function toast(text, kind = 'info', { href } = {}) {
  const region = document.getElementById('toasts');
  if (!region) return;
  const id = `toast-${++toastSeq}`;
  const node = h('div', { class: `toast toast-${kind}`, id },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, kind === 'error' ? '⚠' : kind === 'success' ? '✓' : 'ℹ'), ' ',
    href ? h('a', { href }, text) : text,
    h('button', { class: 'toast-close', type: 'button', 'aria-label': t('common.close'), onclick: () => node.remove() }, '×'));
  region.append(node);
  setTimeout(() => node.remove(), 8000);
}

export function money(m) {
  if (!m) return '';
  const symbol = m.currency === 'CNY' ? '¥' : `${m.currency} `;
  return `${symbol}${m.amount}`;
}

/**
 * The wall-clock time of an ISO-8601 instant. A time with an offset (+08:00, -04:00) is shown as the server wrote it,
 * i.e. in the stop's or hospital's zone; a UTC time ("Z") is shown in the browser's zone.
 */
export function clock(iso) {
  if (!iso) return '';
  const m = /T(\d{2}):(\d{2})/.exec(iso);
  if (m && !/Z$/.test(iso)) return `${m[1]}:${m[2]}`;
  return new Date(iso).toLocaleTimeString(currentLanguage(), { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** Date and time, as clock() decides the zone. */
export function dateTime(iso) {
  if (!iso) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (m && !/Z$/.test(iso)) return `${m[1]} ${m[2]}:${m[3]}`;
  const d = new Date(iso);
  return d.toLocaleString(currentLanguage(), {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  });
}

/** Today's date (YYYY-MM-DD) in a time zone, plus `days`. */
export function dateIn(zone, days = 0) {
  const base = new Date(Date.now() + days * 86_400_000);
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(base);
  } catch {
    return base.toISOString().slice(0, 10);
  }
}

export function weekday(date) {
  const d = new Date(`${date}T12:00:00Z`);
  return d.toLocaleDateString(currentLanguage(), { weekday: 'short', month: 'numeric', day: 'numeric', timeZone: 'UTC' });
}

export function distance(meters) {
  if (meters === undefined || meters === null) return '';
  const m = Math.max(0, meters);
  return m >= 1000 ? t('unit.km', { n: (m / 1000).toFixed(1) }) : t('unit.m', { n: Math.round(m) });
}

/** Text colour (black or white) with the better contrast on a route colour, so the badge stays readable. */
export function textOn(hex) {
  const c = /^[0-9a-f]{6}$/i.test(hex || '') ? hex : '555555';
  const lum = [0, 2, 4].map((i) => parseInt(c.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  const l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** A route badge: its short name in text (the colour is decoration, never the only cue). */
export function routeBadge(shortName, color) {
  const bg = /^[0-9a-f]{6}$/i.test(color || '') ? `#${color}` : '#555555';
  const el = h('span', { class: 'route-badge', 'aria-label': t('buses.routeLabel', { name: shortName }) }, shortName);
  el.style.background = bg;
  el.style.color = textOn(bg.slice(1));
  return el;
}

/** Minutes from `from` to `to` (ISO strings), rounded, never below 0. */
export function minutesBetween(from, to) {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60000));
}

export function statusText(prefix, status) {
  const key = `${prefix}.${status}`;
  const text = t(key);
  return text === key ? status : text;
}

export function button(label, onclick, { kind = 'primary', type = 'button', ...rest } = {}) {
  return h('button', { class: `button button-${kind}`, type, onclick, ...rest }, label);
}

/** Disables the button while fn runs, so one tap sends one request. */
export function busy(btn, fn) {
  return async (...args) => {
    if (btn.disabled) return;
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    try {
      return await fn(...args);
    } finally {
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
    }
  };
}
