// Hospitals: hospitals, departments, availability by day, book (safe to retry), my appointments, cancel, reschedule.
import { api, idempotentPost } from '../api.js';
import { t } from '../i18n.js';
import { participationAvailable, rateBox } from './cases.js';
import { h, title, section, empty, errorBox, fill, toast, clock, dateTime, dateIn, weekday, statusText, busy } from '../ui.js';

const DAYS = 7;

export async function list() {
  const hospitals = await api('/api/v1/booking/hospitals?limit=50');
  return h('div', { class: 'screen' },
    title(t('hospitals.title')),
    h('p', {}, h('a', { class: 'button button-secondary', href: '#/appointments' }, t('hospitals.myAppointments'))),
    section(t('hospitals.choose'), hospitals.items.length
      ? h('ul', { class: 'list', id: 'hospitals' }, hospitals.items.map((x) => h('li', { class: 'list-item' },
        h('a', { class: 'list-link', href: `#/hospitals/${x.id}` },
          h('span', { class: 'list-title' }, x.name),
          h('span', { class: 'muted' }, [x.address, x.level ? statusText('level', x.level) : null].filter(Boolean).join(' · '))))))
      : empty(t('hospitals.none'))));
}

export async function hospital(ctx) {
  const id = ctx.params.hospitalId;
  const [x, departments] = await Promise.all([
    api(`/api/v1/booking/hospitals/${id}`),
    api(`/api/v1/booking/hospitals/${id}/departments?limit=100`),
  ]);
  return h('div', { class: 'screen' },
    title(x.name),
    h('section', { class: 'card' }, h('dl', { class: 'facts' },
      h('dt', {}, t('hospitals.address')), h('dd', {}, x.address || ''),
      x.phone ? [h('dt', {}, t('hospitals.phone')), h('dd', {}, h('a', { href: `tel:${x.phone}` }, x.phone))] : null,
      h('dt', {}, t('hospitals.release')), h('dd', {}, t('hospitals.releaseRule', { days: x.releaseDaysAhead, time: x.releaseTime })))),
    section(t('hospitals.departments'), departments.items.length
      ? h('ul', { class: 'list', id: 'departments' }, departments.items.map((d) => h('li', { class: 'list-item' },
        h('a', { class: 'list-link', href: `#/departments/${d.id}?hospital=${id}` }, h('span', { class: 'list-title' }, d.name)))))
      : empty(t('hospitals.noDepartments'))));
}

/**
 * Sessions with their slots for one day. `onSlot(slot, session)` is called when a free slot is chosen.
 * `query` selects the department or doctor.
 */
function dayPicker(zone, selected, onDay) {
  return h('div', { class: 'day-picker', role: 'group', 'aria-label': t('hospitals.pickDay') },
    Array.from({ length: DAYS }, (_, i) => {
      const date = dateIn(zone, i);
      return h('button', {
        class: `day${date === selected ? ' selected' : ''}`, type: 'button', 'aria-pressed': date === selected ? 'true' : 'false',
        dataset: { date }, onclick: () => onDay(date),
      }, i === 0 ? t('hospitals.today') : i === 1 ? t('hospitals.tomorrow') : weekday(date), h('span', { class: 'small' }, date.slice(5)));
    }));
}

function sessionsView(sessions, onSlot) {
  if (!sessions.length) return empty(t('hospitals.noSessions'));
  return h('ul', { class: 'sessions' }, sessions.map((session) => h('li', { class: 'session card-inner' },
    h('h3', {}, `${session.doctor?.name || ''} · ${session.doctor?.title || ''}`),
    h('p', { class: 'muted' }, `${statusText('period', session.period)} ${clock(session.start)}–${clock(session.end)} · ${t('hospitals.free', { n: session.free ?? 0 })}`),
    session.status !== 'OPEN' ? h('p', { class: 'notice' }, statusText('session', session.status)) : null,
    h('div', { class: 'slots' }, (session.slots || []).map((slot) => {
      const open = slot.released && slot.remaining > 0 && session.status === 'OPEN';
      const label = `${clock(slot.start)}–${clock(slot.end)}`;
      const state = !slot.released ? t('hospitals.notReleased') : slot.remaining > 0 ? t('hospitals.remaining', { n: slot.remaining }) : t('hospitals.full');
      return h('button', {
        class: 'slot', type: 'button', disabled: !open, dataset: { slot: slot.slotId },
        'aria-label': `${label} ${state}`, onclick: () => onSlot(slot, session),
      }, h('span', { class: 'slot-time' }, label), h('span', { class: 'slot-state' }, state));
    })))));
}

async function loadAvailability(query, date) {
  const page = await api(`/api/v1/booking/availability?${query}&from=${date}&to=${date}&limit=50`);
  return page.items;
}

export async function availability(ctx) {
  const departmentId = ctx.params.departmentId;
  const hospitalId = ctx.query.get('hospital');
  const [hosp, family] = await Promise.all([
    hospitalId ? api(`/api/v1/booking/hospitals/${hospitalId}`).catch(() => null) : null,
    api('/api/v1/me/family-members').catch(() => ({ items: [] })),
  ]);
  // Who the visit is for: the citizen, or a bound family member (patientId).
  const patient = h('select', { id: 'patient', name: 'patient' },
    h('option', { value: '' }, t('hospitals.self')),
    family.items.map((m) => h('option', { value: m.id }, `${m.name}（${m.relationship}）`)));
  const zone = hosp?.zone || 'Asia/Shanghai';
  let date = ctx.query.get('date') || dateIn(zone, 1);
  const picker = h('div');
  const box = h('div', { 'aria-live': 'polite' });
  const status = h('div', { class: 'form-status' });
  let sessions = [];

  const book = async (slot, session) => {
    const when = `${dateTime(slot.start)}`;
    const who = patient.value ? patient.selectedOptions[0].textContent : t('hospitals.self');
    if (!confirm(t('hospitals.confirmBook', { when, doctor: session.doctor?.name || '', department: session.department?.name || '', patient: who }))) return;
    fill(status, h('p', { role: 'status' }, t('hospitals.booking')));
    try {
      const body = patient.value ? { slotId: slot.slotId, patientId: patient.value } : { slotId: slot.slotId };
      const result = await idempotentPost(`book.${slot.slotId}`, '/api/v1/booking/appointments', body);
      toast(t('hospitals.booked', { when }), 'success');
      ctx.navigate(`#/appointments/${result.body.id}`);
    } catch (e) {
      fill(status, errorBox(e));
      show();
    }
  };

  const show = async () => {
    fill(picker, dayPicker(zone, date, (d) => {
      date = d;
      history.replaceState(null, '', `#/departments/${departmentId}?hospital=${hospitalId || ''}&date=${d}`);
      show();
    }));
    box.setAttribute('aria-busy', 'true');
    try {
      sessions = await loadAvailability(`departmentId=${departmentId}`, date);
      fill(box, sessionsView(sessions, book));
    } catch (e) {
      fill(box, errorBox(e, show));
    }
    box.setAttribute('aria-busy', 'false');
  };
  await show();
  const dept = sessions[0]?.department?.name;
  return h('div', { class: 'screen' },
    title(dept || t('hospitals.availability'), h('p', { class: 'muted' }, hosp?.name || '')),
    h('section', { class: 'card' },
      h('div', { class: 'field' }, h('label', { for: 'patient' }, t('hospitals.patient')), patient,
        family.items.length ? null : h('p', { class: 'hint' }, h('a', { href: '#/me/family' }, t('me.addFamily')))),
      h('h2', {}, t('hospitals.pickDay')), picker),
    status,
    h('section', { class: 'card', 'aria-label': t('hospitals.sessions') }, box));
}

export async function appointments() {
  const page = await api('/api/v1/booking/appointments?limit=50');
  return h('div', { class: 'screen' },
    title(t('hospitals.myAppointments')),
    h('p', {}, h('a', { class: 'button button-secondary', href: '#/hospitals' }, `+ ${t('hospitals.book')}`)),
    section(t('hospitals.appointmentList'), page.items.length
      ? h('ul', { class: 'list', id: 'appointments' }, page.items.map((a) => h('li', { class: 'list-item' },
        h('a', { class: 'list-link', href: `#/appointments/${a.id}`, dataset: { appointment: a.id, status: a.status } },
          h('span', { class: 'list-title' }, dateTime(a.start)),
          h('span', {}, `${a.hospital?.name || ''} · ${a.department?.name || ''} · ${a.doctor?.name || ''}`),
          h('span', { class: 'tag' }, statusText('appointment', a.status))))))
      : empty(t('home.noAppointments'))));
}

export async function appointment(ctx) {
  const a = await api(`/api/v1/booking/appointments/${ctx.params.appointmentId}`);
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const active = a.status === 'BOOKED' || a.status === 'PENDING';
  const resched = h('div');
  const actions = [];
  if (active) {
    const cancel = h('button', { class: 'button button-danger', type: 'button', id: 'cancel-appointment' }, t('hospitals.cancel'));
    cancel.addEventListener('click', busy(cancel, async () => {
      if (!confirm(t('hospitals.confirmCancel'))) return;
      try {
        await api(`/api/v1/booking/appointments/${a.id}/cancel`, { method: 'POST' });
        toast(t('hospitals.cancelled'), 'success');
        ctx.navigate(`#/appointments/${a.id}`);
      } catch (e) {
        fill(status, errorBox(e));
      }
    }));
    const move = h('button', { class: 'button button-secondary', type: 'button', id: 'reschedule' }, t('hospitals.reschedule'));
    move.addEventListener('click', () => {
      const zone = 'Asia/Shanghai';
      let date = a.date;
      const box = h('div', { 'aria-live': 'polite' });
      const picker = h('div');
      const pick = async (slot) => {
        if (slot.slotId === a.slotId) return;
        if (!confirm(t('hospitals.confirmReschedule', { when: dateTime(slot.start) }))) return;
        try {
          const moved = await api(`/api/v1/booking/appointments/${a.id}/reschedule`, { method: 'POST', body: { slotId: slot.slotId } });
          toast(t('hospitals.rescheduled', { when: dateTime(moved.start) }), 'success');
          ctx.navigate(`#/appointments/${moved.id}`);
        } catch (e) {
          fill(status, errorBox(e));
        }
      };
      const show = async () => {
        fill(picker, dayPicker(zone, date, (d) => { date = d; show(); }));
        try {
          fill(box, sessionsView(await loadAvailability(`doctorId=${a.doctor.id}`, date), pick));
        } catch (e) {
          fill(box, errorBox(e, show));
        }
      };
      fill(resched, h('section', { class: 'card' }, h('h2', {}, t('hospitals.rescheduleTitle', { doctor: a.doctor?.name || '' })), picker, box));
      show();
    });
    actions.push(move, cancel);
  }
  return h('div', { class: 'screen' },
    title(t('hospitals.appointmentTitle')),
    h('section', { class: 'card', id: 'appointment', dataset: { status: a.status } },
      h('p', {}, h('span', { class: 'tag', id: 'appointment-status' }, statusText('appointment', a.status))),
      h('dl', { class: 'facts' },
        h('dt', {}, t('hospitals.when')), h('dd', {}, `${dateTime(a.start)}–${clock(a.end)}`),
        h('dt', {}, t('hospitals.hospital')), h('dd', {}, a.hospital?.name || ''),
        h('dt', {}, t('hospitals.department')), h('dd', {}, a.department?.name || ''),
        h('dt', {}, t('hospitals.doctor')), h('dd', {}, `${a.doctor?.name || ''} ${a.doctor?.title || ''}`),
        a.cancelDeadline ? [h('dt', {}, t('hospitals.cancelBy')), h('dd', {}, dateTime(a.cancelDeadline))] : null)),
    status,
    actions.length ? h('div', { class: 'actions' }, actions) : null,
    resched,
    a.status === 'FULFILLED' && (await participationAvailable()) ? rateBox('APPOINTMENT', a.id) : null,
    h('p', {}, h('a', { href: '#/appointments' }, t('hospitals.myAppointments'))));
}
