// Bills: my accounts, unpaid bills, a bill with its explained lines, paying it (safe to retry), receipts, linking.
import { api, idempotentPost, pendingAttempt, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { participationAvailable, rateBox } from './cases.js';
import { h, title, section, empty, errorBox, fill, toast, money, dateTime, statusText, busy } from '../ui.js';

const CHANNELS = ['ALIPAY', 'WECHAT_PAY', 'UNIONPAY', 'BANK_CARD'];

export async function overview(ctx) {
  const [accounts, unpaid, payments] = await Promise.all([
    api('/api/v1/billing/accounts'),
    api('/api/v1/billing/bills?status=ACTIVE&limit=20'),
    api('/api/v1/billing/payments?limit=10'),
  ]);
  const accountById = new Map(accounts.items.map((a) => [a.id, a]));
  return h('div', { class: 'screen' },
    title(t('bills.title')),
    section(t('bills.unpaid'), unpaid.items.length
      ? h('ul', { class: 'list', id: 'unpaid-bills' }, unpaid.items.map((b) => h('li', { class: 'list-item' },
        h('a', { class: 'list-link', href: `#/bills/${b.id}`, dataset: { bill: b.id } },
          h('span', { class: 'list-title' }, `${statusText('utility', b.utility)} · ${b.period}`),
          h('span', {}, h('strong', { class: 'amount' }, money(b.total)), ' ', h('span', { class: 'muted' }, t('bills.dueOn', { date: b.dueDate }))),
          h('span', { class: 'muted small' }, b.accountNumber)))))
      : empty(t('home.allPaid'))),
    section(t('bills.accounts'),
      accounts.items.length
        ? h('ul', { class: 'list' }, accounts.items.map((a) => h('li', { class: 'list-item' },
          h('div', { class: 'list-body' },
            h('span', { class: 'list-title' }, `${statusText('utility', a.utility)} · ${a.accountNumber}`),
            h('span', { class: 'muted' }, a.serviceAddress || ''),
            h('span', {}, t('bills.balanceDue'), ' ', h('strong', { class: 'amount' }, money(a.balanceDue)))),
          h('button', {
            class: 'button button-small button-secondary', type: 'button',
            'aria-label': t('bills.unlinkLabel', { number: a.accountNumber }),
            onclick: async (ev) => {
              if (!confirm(t('bills.unlinkConfirm', { number: a.accountNumber }))) return;
              ev.currentTarget.disabled = true;
              try {
                await api(`/api/v1/billing/accounts/${a.id}/link`, { method: 'DELETE' });
                toast(t('bills.unlinked'), 'success');
                ctx.navigate('#/bills');
              } catch (e) {
                toast(e.detail || e.title, 'error');
              }
            },
          }, t('bills.unlink')))))
        : empty(t('bills.noAccounts')),
      h('a', { class: 'button button-secondary', href: '#/bills/link' }, `+ ${t('bills.link')}`),
      h('a', { class: 'button button-secondary', href: '#/bills/held' }, t('bills.heldTitle'))),
    section(t('bills.payments'), payments.items.length
      ? h('ul', { class: 'list', id: 'payments' }, payments.items.map((p) => {
        const account = accountById.get(p.accountId);
        return h('li', { class: 'list-item' },
          h('div', { class: 'list-body' },
            h('span', { class: 'list-title' }, money(p.amount), ' · ', h('span', { class: 'tag' }, statusText('payment', p.status))),
            h('span', { class: 'muted' }, `${account ? `${statusText('utility', account.utility)} ${account.accountNumber} · ` : ''}${dateTime(p.createdAt)}`),
            p.receiptNumber ? h('a', { href: `#/receipts/${encodeURIComponent(p.receiptNumber)}` }, t('bills.receipt', { number: p.receiptNumber })) : null));
      }))
      : empty(t('bills.noPayments'))));
}

export async function link(ctx) {
  const status = h('div', { class: 'form-status' });
  const form = h('form', { class: 'card form', novalidate: true },
    h('fieldset', {},
      h('legend', {}, t('bills.utility')),
      ['WATER', 'ELECTRICITY'].map((u, i) => h('label', { class: 'radio' },
        h('input', { type: 'radio', name: 'utility', value: u, checked: i === 0 }), ' ', statusText('utility', u)))),
    h('div', { class: 'field' }, h('label', { for: 'accountNumber' }, t('bills.accountNumber')),
      h('input', { id: 'accountNumber', name: 'accountNumber', required: true, autocomplete: 'off' })),
    h('div', { class: 'field' }, h('label', { for: 'holderName' }, t('bills.holderName')),
      h('input', { id: 'holderName', name: 'holderName', required: true, autocomplete: 'name' })),
    h('div', { class: 'field' }, h('label', { for: 'holderIdLast4' }, t('bills.holderIdLast4')),
      h('p', { class: 'hint', id: 'holderIdLast4-hint' }, t('bills.holderIdHint')),
      h('input', { id: 'holderIdLast4', name: 'holderIdLast4', required: true, maxlength: 4, autocomplete: 'off', 'aria-describedby': 'holderIdLast4-hint' })),
    status,
    h('button', { class: 'button button-primary button-block', type: 'submit' }, t('bills.linkSubmit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    fill(status);
    try {
      const body = {
        utility: form.utility.value,
        accountNumber: form.accountNumber.value.trim(),
        holderName: form.holderName.value.trim(),
        holderIdLast4: form.holderIdLast4.value.trim().toUpperCase(),
      };
      const result = await api('/api/v1/billing/accounts/links', { method: 'POST', body, raw: true });
      if (result.status === 202 && result.body?.id) {
        // Not the holder: the server sent a code to the holder's phone, or asked the holder to approve.
        ctx.navigate(`#/bills/link/${result.body.id}`);
        return;
      }
      toast(t('bills.linked'), 'success');
      ctx.navigate('#/bills');
    } catch (e) {
      fill(status, errorBox(e));
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', { class: 'screen' }, title(t('bills.linkTitle')), h('p', { class: 'muted' }, t('bills.linkHint')), form);
}

/** The verification step of linking an account that is not in my name: a code texted to the holder, or the holder's approval. */
export async function verification(ctx) {
  const v = await api(`/api/v1/billing/accounts/links/verifications/${encodeURIComponent(ctx.params.verificationId)}`);
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, t('bills.accountNumber')), h('dd', {}, `${statusText('utility', v.utility)} ${v.accountNumber || ''}`),
    h('dt', {}, t('bills.status')), h('dd', {}, h('span', { class: 'tag', id: 'verification-status' }, statusText('verification', v.status))),
    v.expiresAt ? [h('dt', {}, t('bills.expiresAt')), h('dd', {}, dateTime(v.expiresAt))] : null);
  let body;
  if (v.status !== 'PENDING') {
    body = h('p', {}, v.status === 'CONFIRMED' ? t('bills.linked') : t('bills.verificationOver'));
  } else if (v.method === 'SMS_CODE') {
    const form = h('form', { class: 'form', novalidate: true },
      h('p', {}, t('bills.codeSent', { to: v.sentTo || '' })),
      h('div', { class: 'field' }, h('label', { for: 'code' }, t('bills.code')),
        h('input', { id: 'code', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, required: true })),
      v.remainingAttempts !== undefined ? h('p', { class: 'hint', id: 'attempts' }, t('bills.attemptsLeft', { n: v.remainingAttempts })) : null,
      status,
      h('button', { class: 'button button-primary button-block', type: 'submit' }, t('bills.confirmCode')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      fill(status);
      try {
        await api(`/api/v1/billing/accounts/links/verifications/${v.id}/code`, { method: 'POST', body: { code: form.code.value.trim() } });
        toast(t('bills.linked'), 'success');
        ctx.navigate('#/bills');
      } catch (e) {
        form.code.setAttribute('aria-invalid', 'true');
        fill(status, errorBox(e), e.problem?.remainingAttempts !== undefined ? h('p', { class: 'notice' }, t('bills.attemptsLeft', { n: e.problem.remainingAttempts })) : null);
      } finally {
        submit.disabled = false;
      }
    });
    body = form;
  } else {
    const check = h('button', { class: 'button button-secondary', type: 'button', onclick: () => ctx.navigate(`#/bills/link/${v.id}?t=${Date.now()}`) }, t('bills.checkAgain'));
    body = h('div', {}, h('p', {}, t('bills.waitingApproval')), check);
  }
  return h('div', { class: 'screen' }, title(t('bills.verifyTitle')), h('section', { class: 'card', id: 'verification' }, facts, body));
}

/** Requests to link accounts I hold, and who is linked to them: approve, refuse, revoke. */
export async function held(ctx) {
  const [requests, accounts] = await Promise.all([
    api('/api/v1/billing/link-requests').catch(() => ({ items: [] })),
    api('/api/v1/billing/held-accounts').catch(() => ({ items: [] })),
  ]);
  const decide = (id, what) => async (ev) => {
    ev.currentTarget.disabled = true;
    try {
      await api(`/api/v1/billing/link-requests/${id}/${what}`, { method: 'POST' });
      toast(t('bills.decided'), 'success');
      ctx.navigate(`#/bills/held?t=${Date.now()}`);
    } catch (e) {
      toast(e.detail || e.title, 'error');
    }
  };
  const items = requests.items || [];
  const held = accounts.items || [];
  return h('div', { class: 'screen' },
    title(t('bills.heldTitle')),
    section(t('bills.requests'), items.length ? h('ul', { class: 'list' }, items.map((r) => h('li', { class: 'list-item' },
      h('div', { class: 'list-body' },
        h('span', { class: 'list-title' }, `${r.requesterName || ''} ${r.requesterPhone || ''}`),
        h('span', { class: 'muted' }, `${statusText('utility', r.utility)} ${r.accountNumber || ''}`)),
      h('button', { class: 'button button-small button-primary', type: 'button', onclick: decide(r.id, 'approval') }, t('bills.approve')),
      h('button', { class: 'button button-small button-danger', type: 'button', onclick: decide(r.id, 'refusal') }, t('bills.refuse')))))
      : empty(t('bills.noRequests'))),
    section(t('bills.heldAccounts'), held.length ? h('ul', { class: 'list' }, held.map((a) => h('li', { class: 'list-item' },
      h('div', { class: 'list-body' },
        h('span', { class: 'list-title' }, `${statusText('utility', a.utility)} ${a.accountNumber || ''}`),
        (a.links || []).map((l) => h('span', {}, `${l.realName || ''} ${l.maskedPhone || ''} · ${dateTime(l.linkedAt)} `,
          h('button', {
            class: 'button button-small button-danger', type: 'button',
            onclick: async (ev) => {
              if (!confirm(t('bills.revokeConfirm', { name: l.realName || '' }))) return;
              ev.currentTarget.disabled = true;
              try {
                await api(`/api/v1/billing/held-accounts/${a.accountId}/links/${l.citizenId}`, { method: 'DELETE' });
                ctx.navigate(`#/bills/held?t=${Date.now()}`);
              } catch (e) {
                toast(e.detail || e.title, 'error');
              }
            },
          }, t('bills.revoke')))))))) : empty(t('bills.noHeld'))));
}

function linesTable(bill) {
  return h('table', { class: 'lines' },
    h('caption', { class: 'visually-hidden' }, t('bills.linesCaption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('bills.line')),
      h('th', { scope: 'col', class: 'num' }, t('bills.quantity')),
      h('th', { scope: 'col', class: 'num' }, t('bills.unitPrice')),
      h('th', { scope: 'col', class: 'num' }, t('bills.amount')))),
    h('tbody', {}, (bill.lines || []).map((l) => h('tr', {},
      h('th', { scope: 'row' }, l.description),
      h('td', { class: 'num' }, `${Number(l.quantity)} ${l.unit || ''}`),
      h('td', { class: 'num' }, l.unitPrice !== undefined ? `¥${Number(l.unitPrice).toFixed(4)}` : ''),
      h('td', { class: 'num' }, money(l.amount))))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: 3 }, t('bills.total')), h('td', { class: 'num' }, h('strong', {}, money(bill.total))))));
}

/** Waits for a PENDING payment to settle (the provider answers asynchronously), a few times. */
async function settle(payment) {
  let p = payment;
  for (let i = 0; i < 5 && (p.status === 'PENDING' || p.status === 'UNKNOWN'); i++) {
    await new Promise((r) => setTimeout(r, 1500));
    p = await api(`/api/v1/billing/payments/${p.id}`);
  }
  return p;
}

export async function bill(ctx) {
  const b = await api(`/api/v1/billing/bills/${encodeURIComponent(ctx.params.billId)}`);
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const attempt = `pay.${b.id}`;
  const payable = b.status === 'ACTIVE';
  let payBox = null;
  if (payable) {
    const pending = pendingAttempt(attempt);
    const channel = h('select', { id: 'channel', name: 'channel' },
      CHANNELS.map((c) => h('option', { value: c, selected: pending?.body?.channel === c }, statusText('channel', c))));
    const payButton = h('button', { class: 'button button-primary button-block', type: 'button', id: 'pay' },
      pending ? t('bills.payRetry', { amount: money(b.total) }) : t('bills.pay', { amount: money(b.total) }));
    payButton.addEventListener('click', busy(payButton, async () => {
      fill(status, h('p', { role: 'status' }, t('bills.paying')));
      try {
        const result = await idempotentPost(attempt, `/api/v1/billing/bills/${b.id}/payments`, { channel: channel.value, amount: b.total });
        const p = await settle(result.body);
        if (p.status === 'SUCCEEDED') {
          toast(t('bills.paid', { amount: money(p.amount) }), 'success');
          ctx.navigate(p.receiptNumber ? `#/receipts/${encodeURIComponent(p.receiptNumber)}` : '#/bills');
        } else {
          fill(status, h('p', { class: 'notice', role: 'alert' }, t('bills.paymentStatus', { status: statusText('payment', p.status) })));
        }
      } catch (e) {
        const retry = e instanceof ApiError && e.retryable;
        fill(status, errorBox(e), retry ? h('p', { class: 'notice' }, t('bills.safeRetry')) : null);
        payButton.textContent = retry ? t('bills.payRetry', { amount: money(b.total) }) : t('bills.pay', { amount: money(b.total) });
      }
    }));
    payBox = h('div', { class: 'card form' },
      h('div', { class: 'field' }, h('label', { for: 'channel' }, t('bills.channel')), channel),
      pending ? h('p', { class: 'notice' }, t('bills.safeRetry')) : null,
      status,
      payButton);
  }
  return h('div', { class: 'screen' },
    title(`${statusText('utility', b.utility)} · ${b.period}`),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', {}, t('bills.accountNumber')), h('dd', {}, b.accountNumber),
        h('dt', {}, t('bills.usage')), h('dd', {}, `${Number(b.usage)} ${b.lines?.[0]?.unit || ''}`),
        h('dt', {}, t('bills.status')), h('dd', {}, h('span', { class: 'tag' }, statusText('bill', b.status))),
        h('dt', {}, t('bills.due')), h('dd', {}, b.dueDate),
        h('dt', {}, t('bills.total')), h('dd', {}, h('strong', { class: 'amount' }, money(b.total)))),
      h('h2', {}, t('bills.explained')),
      h('p', { class: 'muted small' }, t('bills.explainedHint')),
      linesTable(b)),
    payBox);
}

export async function receipt(ctx) {
  const r = await api(`/api/v1/billing/receipts/${encodeURIComponent(ctx.params.number)}`);
  return h('div', { class: 'screen' },
    title(t('bills.receiptTitle')),
    h('section', { class: 'card receipt', id: 'receipt' },
      h('p', { class: 'receipt-ok' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, '✓'), ' ', t('bills.receiptOk')),
      h('dl', { class: 'facts' },
        h('dt', {}, t('bills.receiptNumber')), h('dd', {}, r.receiptNumber),
        h('dt', {}, t('bills.utility')), h('dd', {}, statusText('utility', r.utility)),
        h('dt', {}, t('bills.accountNumber')), h('dd', {}, r.accountNumber),
        h('dt', {}, t('bills.period')), h('dd', {}, r.period),
        h('dt', {}, t('bills.amount')), h('dd', {}, h('strong', { class: 'amount' }, money(r.amount))),
        h('dt', {}, t('bills.channel')), h('dd', {}, statusText('channel', r.channel)),
        h('dt', {}, t('bills.issuedAt')), h('dd', {}, dateTime(r.issuedAt)))),
    // 好差评: a finished payment can be rated where the server has participation.
    (await participationAvailable()) && r.paymentId ? rateBox('PAYMENT', r.paymentId) : null,
    h('p', {}, h('a', { class: 'button button-secondary', href: '#/bills' }, t('bills.back'))));
}
