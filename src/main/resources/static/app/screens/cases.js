// Participation (诉求): file a case (complaint, suggestion, enquiry, praise), my cases, a case with its timeline and
// the department's reply, add information, withdraw, confirm resolved, reopen.
import { api, idempotentPost, ApiError } from '../api.js';
import { t, currentLanguage } from '../i18n.js';
import { h, title, section, empty, errorBox, fill, toast, dateTime, statusText, busy } from '../ui.js';

const TYPES = ['COMPLAINT', 'SUGGESTION', 'ENQUIRY', 'PRAISE'];
let available = null;

/** Whether this server has the participation feature (the app shows its screens only then). */
export function participationAvailable() {
  if (!available) {
    available = fetch('/api/v1/participation/categories', { headers: { Accept: 'application/json' } })
      // The body is read (and dropped) so the request ends cleanly.
      .then(async (r) => { await r.arrayBuffer().catch(() => null); return r.ok; }).catch(() => false);
  }
  return available;
}

const localName = (x) => (currentLanguage() === 'en' ? x.nameEn || x.name : x.name || x.nameEn) || x.code;

function caseItem(c) {
  return h('li', { class: 'list-item' },
    h('a', { class: 'list-link', href: `#/cases/${c.id}`, dataset: { case: c.id, status: c.status } },
      h('span', { class: 'list-title' }, c.title),
      h('span', {}, h('span', { class: 'tag' }, statusText('case', c.status)), ' ', statusText('caseType', c.type),
        c.overdue ? [' ', h('span', { class: 'tag' }, `⚠ ${t('cases.overdue')}`)] : null),
      h('span', { class: 'muted small' }, `${c.reference || ''} · ${dateTime(c.submittedAt)}${c.department ? ` · ${localName(c.department)}` : ''}`)));
}

export async function list() {
  const page = await api('/api/v1/me/cases?limit=50');
  return h('div', { class: 'screen' },
    title(t('cases.title')),
    h('p', { class: 'actions' }, h('a', { class: 'button button-primary', href: '#/cases/new' }, `+ ${t('cases.file')}`), ' ',
      h('a', { class: 'button button-secondary', href: '#/cases/public' }, t('cases.public.link'))),
    section(t('cases.mine'), page.items.length ? h('ul', { class: 'list', id: 'cases' }, page.items.map(caseItem)) : empty(t('cases.none'))));
}

const percent = (part, whole) => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : '—');

/** "P3DT4H" (ISO-8601, as the API writes a time to reply) as "3 天 4 小时" / "3 d 4 h". */
export function durationText(iso) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:[\d.]+S)?)?$/.exec(iso || '');
  if (!m) return iso || '';
  const [days, hours, minutes] = [Number(m[1] || 0), Number(m[2] || 0), Number(m[3] || 0)];
  const parts = [];
  if (days) parts.push(t('cases.public.days', { n: days }));
  if (hours) parts.push(t('cases.public.hours', { n: hours }));
  if (!days && !hours) parts.push(t('cases.public.minutes', { n: minutes }));
  return parts.join(' ');
}

function publicItem(c) {
  const department = currentLanguage() === 'en' ? c.departmentEn || c.department : c.department || c.departmentEn;
  return h('li', { class: 'list-item public-case', dataset: { reference: c.reference } },
    h('div', { class: 'list-body' },
      h('h3', { class: 'list-title' }, c.title),
      h('span', {}, h('span', { class: 'tag' }, statusText('caseType', c.type)), ' ', department || '', ' · ', c.reference),
      h('p', { class: 'case-text' }, c.text),
      h('div', { class: 'public-reply' }, h('strong', {}, `${t('cases.reply')}：`), c.reply),
      h('span', { class: 'muted small' },
        `${dateTime(c.repliedAt)} · ${(c.workingDaysToReply > 0 ? t('cases.public.workingDays', { n: c.workingDaysToReply }) : t('cases.public.sameDay'))} (${durationText(c.timeToReply)}) · `,
        // On time or late says it in words and a symbol, not only by colour.
        h('span', { class: c.repliedOnTime ? 'tag' : 'tag tag-warn' }, c.repliedOnTime ? `✓ ${t('cases.public.onTime')}` : `⚠ ${t('cases.public.late')}`))));
}

/** Per department over the months asked: the sums of what the stats endpoint gives per month. */
function statsTable(items) {
  const byDepartment = new Map();
  for (const m of items) {
    const d = byDepartment.get(m.departmentId) || { name: currentLanguage() === 'en' ? m.departmentEn || m.department : m.department || m.departmentEn,
      received: 0, replied: 0, onTime: 0, confirmed: 0, reopened: 0, ratings: 0, ratingSum: 0 };
    d.received += m.received;
    d.replied += m.replied;
    d.onTime += m.repliedOnTime;
    d.confirmed += m.confirmedResolved;
    d.reopened += m.reopened;
    if (m.ratings && m.averageRating != null) {
      d.ratings += m.ratings;
      d.ratingSum += m.averageRating * m.ratings;
    }
    byDepartment.set(m.departmentId, d);
  }
  if (!byDepartment.size) return empty(t('cases.stats.none'));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'lines', id: 'case-stats' },
    h('caption', { class: 'visually-hidden' }, t('cases.stats.title')),
    h('thead', {}, h('tr', {}, ['cases.stats.department', 'cases.stats.received', 'cases.stats.replied', 'cases.stats.onTime', 'cases.stats.satisfaction']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, [...byDepartment.values()].map((d) => h('tr', {},
      h('th', { scope: 'row' }, d.name),
      h('td', {}, String(d.received)),
      h('td', {}, String(d.replied)),
      h('td', {}, percent(d.onTime, d.replied)),
      h('td', {}, percent(d.confirmed, d.confirmed + d.reopened)))))));
}

function ratingsList(items) {
  if (!items.length) return empty(t('ratings.none'));
  return h('ul', { class: 'list', id: 'public-ratings' }, items.map((r) => h('li', { class: 'list-item' }, h('div', { class: 'list-body' },
    h('span', { class: 'list-title' }, `${currentLanguage() === 'en' ? r.departmentEn || r.department : r.department || r.departmentEn} · ${statusText('ratingService', r.service)}`),
    h('span', {}, t('ratings.average', { avg: r.averageScore.toFixed(1), n: r.ratings })),
    h('span', { class: 'muted small' }, r.counts.map((n, i) => t('ratings.countOf', { score: i + 1, n })).join(' · '))))));
}

/** Published replies (masked by the server), the last 12 months' figures per department, and service ratings. */
export async function published(ctx) {
  const [first, stats, ratings] = await Promise.all([
    api('/api/v1/public/cases?limit=10', { auth: false }),
    api('/api/v1/public/cases/stats', { auth: false }),
    api('/api/v1/public/ratings', { auth: false }),
  ]);
  const listEl = h('ul', { class: 'list', id: 'public-cases' }, first.items.map(publicItem));
  const more = h('div', {});
  const addMore = (next) => {
    if (!next) return fill(more);
    const btn = h('button', { class: 'button button-secondary', type: 'button', id: 'more-public' }, t('common.more'));
    btn.addEventListener('click', busy(btn, async () => {
      try {
        const page = await api(`/api/v1/public/cases?limit=10&cursor=${encodeURIComponent(next)}`, { auth: false });
        if (!ctx.current) return;
        listEl.append(...page.items.map(publicItem));
        addMore(page.next);
      } catch (e) {
        fill(more, errorBox(e));
      }
    }));
    return fill(more, btn);
  };
  addMore(first.next);
  return h('div', { class: 'screen' },
    title(t('cases.public.title')),
    h('p', { class: 'muted' }, t('cases.public.intro')),
    section(t('cases.public.replies'), first.items.length ? listEl : empty(t('cases.public.none')), more),
    section(t('cases.stats.title'), statsTable(stats.items || [])),
    section(t('ratings.public'), ratingsList(ratings.items || [])));
}

/**
 * Rating a service the citizen used (好差评): a finished payment, a fulfilled appointment or a closed case, once.
 * Five labelled radio buttons (the score is said in words, not only by stars), an optional text. A score of 1 or 2
 * makes the server open a follow-up complaint, which is linked.
 */
export function rateBox(kind, id) {
  const name = `score-${id}`;
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'form rating', id: 'rate-form', novalidate: true },
    h('fieldset', {}, h('legend', {}, t('ratings.score')),
      h('div', { class: 'stars' }, [1, 2, 3, 4, 5].map((n) => h('label', { class: 'radio star' },
        h('input', { type: 'radio', name, value: String(n), required: true }), ' ',
        h('span', { 'aria-hidden': 'true' }, '★'.repeat(n)), ' ', h('span', {}, t('ratings.star', { n })))))),
    h('div', { class: 'field' }, h('label', { for: `rating-text-${id}` }, t('ratings.text')),
      h('textarea', { id: `rating-text-${id}`, rows: 2, maxlength: 1000 })),
    status,
    h('button', { class: 'button button-primary', type: 'submit', id: 'submit-rating' }, t('ratings.submit')));
  const box = h('section', { class: 'card', 'aria-labelledby': `rate-${id}` }, h('h2', { id: `rate-${id}` }, t('ratings.title')), form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = form.querySelector(`input[name="${name}"]:checked`);
    if (!chosen) {
      fill(status, h('p', { class: 'error', role: 'alert' }, t('ratings.chooseScore')));
      return;
    }
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    const text = form.querySelector('textarea').value.trim();
    try {
      const rating = await api('/api/v1/ratings', { method: 'POST', body: { subject: { kind, id }, score: Number(chosen.value), ...(text ? { text } : {}) } });
      fill(box, h('h2', { id: `rate-${id}` }, t('ratings.title')),
        h('p', { id: 'rating-done', role: 'status' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('ratings.thanks', { n: rating.score })),
        rating.followUpCaseId ? h('p', {}, t('ratings.followUp'), ' ', h('a', { href: `#/cases/${rating.followUpCaseId}` }, t('ratings.followUpLink'))) : null);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'ALREADY_RATED') {
        fill(box, h('h2', { id: `rate-${id}` }, t('ratings.title')), h('p', { id: 'rating-done', role: 'status' }, t('ratings.already')));
      } else {
        fill(status, errorBox(e));
        submit.disabled = false;
      }
    }
  });
  return box;
}

export async function file(ctx) {
  const categories = await api('/api/v1/participation/categories', { auth: false });
  // A case about a stop, bill, appointment...: "?subject=STOP:demo:E5&title=..." from the screen it was started on.
  const subjectParam = ctx.query.get('subject');
  const subject = subjectParam && subjectParam.includes(':')
    ? { kind: subjectParam.slice(0, subjectParam.indexOf(':')), id: subjectParam.slice(subjectParam.indexOf(':') + 1) }
    : null;
  const status = h('div', { class: 'form-status' });
  const form = h('form', { class: 'card form', novalidate: true },
    h('fieldset', {}, h('legend', {}, t('cases.type')),
      TYPES.map((ty, i) => h('label', { class: 'radio' }, h('input', { type: 'radio', name: 'type', value: ty, checked: i === 0 }), ' ', statusText('caseType', ty)))),
    h('div', { class: 'field' }, h('label', { for: 'category' }, t('cases.category')),
      h('select', { id: 'category', name: 'category', required: true }, categories.map((c) => h('option', { value: c.code }, localName(c))))),
    subject ? h('p', { class: 'notice' }, t('cases.about', { kind: statusText('subject', subject.kind), id: ctx.query.get('subjectName') || subject.id })) : null,
    h('div', { class: 'field' }, h('label', { for: 'caseTitle' }, t('cases.caseTitle')),
      h('input', { id: 'caseTitle', name: 'caseTitle', required: true, maxlength: 200, value: ctx.query.get('title') || '' })),
    h('div', { class: 'field' }, h('label', { for: 'text' }, t('cases.text')),
      h('p', { class: 'hint', id: 'text-hint' }, t('cases.textHint')),
      h('textarea', { id: 'text', name: 'text', required: true, maxlength: 5000, rows: 6, 'aria-describedby': 'text-hint' })),
    h('div', { class: 'toggle' }, h('label', { for: 'publicConsent' },
      h('input', { type: 'checkbox', id: 'publicConsent', name: 'publicConsent', 'aria-describedby': 'publicConsent-hint' }), ' ', h('span', {}, t('cases.public'))),
    h('p', { class: 'hint', id: 'publicConsent-hint' }, t('cases.publicHint'))),
    status,
    h('button', { class: 'button button-primary button-block', type: 'submit', id: 'submit-case' }, t('cases.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    fill(status);
    const body = {
      type: form.type.value,
      category: form.category.value,
      title: form.caseTitle.value.trim(),
      text: form.text.value.trim(),
      publicConsent: form.publicConsent.checked,
      ...(subject ? { subject } : {}),
    };
    try {
      const result = await idempotentPost('case.new', '/api/v1/cases', body);
      toast(t('cases.filed', { reference: result.body.reference || '' }), 'success');
      ctx.navigate(`#/cases/${result.body.id}`);
    } catch (e) {
      fill(status, errorBox(e), e instanceof ApiError && e.retryable ? h('p', { class: 'notice' }, t('cases.safeRetry')) : null);
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', { class: 'screen' }, title(t('cases.file')), h('p', { class: 'muted' }, t('cases.fileHint')), form);
}

function textAction(label, path, ctx, id, { required = true } = {}) {
  const fieldId = `action-${path}`;
  const input = h('textarea', { id: fieldId, rows: 3, maxlength: 5000 });
  const send = h('button', { class: 'button button-secondary', type: 'button' }, label);
  const status = h('div');
  send.addEventListener('click', busy(send, async () => {
    const text = input.value.trim();
    if (required && !text) {
      input.setAttribute('aria-invalid', 'true');
      fill(status, h('p', { class: 'error', role: 'alert' }, t('cases.textNeeded')));
      return;
    }
    try {
      const body = path === 'withdraw' ? (text ? { reason: text } : {}) : { text };
      await api(`/api/v1/cases/${id}/${path}`, { method: 'POST', body });
      toast(t('cases.updated'), 'success');
      ctx.navigate(`#/cases/${id}`);
    } catch (e) {
      fill(status, errorBox(e));
    }
  }));
  return h('div', { class: 'field' }, h('label', { for: fieldId }, label), input, send, status);
}

export async function detail(ctx) {
  const c = await api(`/api/v1/cases/${ctx.params.caseId}`);
  const open = ['SUBMITTED', 'TRANSFERRED', 'ACCEPTED', 'ASSIGNED'].includes(c.status);
  const actions = [];
  if (open) actions.push(textAction(t('cases.addInformation'), 'information', ctx, c.id), textAction(t('cases.withdraw'), 'withdraw', ctx, c.id, { required: false }));
  if (c.status === 'REPLIED') {
    const confirmButton = h('button', { class: 'button button-primary', type: 'button', id: 'confirm-case' }, t('cases.confirm'));
    confirmButton.addEventListener('click', busy(confirmButton, async () => {
      try {
        await api(`/api/v1/cases/${c.id}/confirm`, { method: 'POST' });
        toast(t('cases.updated'), 'success');
        ctx.navigate(`#/cases/${c.id}`);
      } catch (e) {
        toast(e.detail || e.title, 'error');
      }
    }));
    actions.push(h('div', { class: 'actions' }, confirmButton));
  }
  if ((c.status === 'REPLIED' || c.status === 'CLOSED') && !c.reopened) actions.push(textAction(t('cases.reopen'), 'reopen', ctx, c.id));
  return h('div', { class: 'screen' },
    title(c.title, h('p', { class: 'muted' }, c.reference || '')),
    h('section', { class: 'card', id: 'case', dataset: { status: c.status } },
      h('p', {}, h('span', { class: 'tag', id: 'case-status' }, statusText('case', c.status)), ' ', statusText('caseType', c.type),
        c.overdue ? [' ', h('span', { class: 'tag' }, `⚠ ${t('cases.overdue')}`)] : null),
      h('dl', { class: 'facts' },
        h('dt', {}, t('cases.submittedAt')), h('dd', {}, dateTime(c.submittedAt)),
        c.department ? [h('dt', {}, t('cases.department')), h('dd', {}, localName(c.department))] : null,
        c.nextDeadline ? [h('dt', {}, t('cases.deadline')), h('dd', {}, dateTime(c.nextDeadline))] : null,
        h('dt', {}, t('cases.public')), h('dd', {}, c.publicConsent ? t('cases.yes') : t('cases.no'))),
      h('p', { class: 'case-text' }, c.text)),
    c.reply ? section(t('cases.reply'), h('p', { id: 'case-reply' }, c.reply), c.repliedAt ? h('p', { class: 'muted small' }, dateTime(c.repliedAt)) : null) : null,
    c.rejectReason ? section(t('cases.rejected'), h('p', {}, c.rejectReason)) : null,
    c.timeline?.length ? section(t('cases.timeline'), h('ol', { class: 'list timeline' }, c.timeline.map((e) => h('li', { class: 'list-item' }, h('div', { class: 'list-body' },
      h('span', { class: 'list-title' }, e.toStatus ? statusText('case', e.toStatus) : statusText('timeline', e.kind)),
      e.note ? h('span', {}, e.note) : null,
      h('span', { class: 'muted small' }, dateTime(e.at))))))) : null,
    actions.length ? h('section', { class: 'card' }, actions) : null,
    c.status === 'CLOSED' ? rateBox('CASE', c.id) : null,
    h('p', {}, h('a', { href: '#/cases' }, t('cases.mine'))));
}
