// The dashboard: favourite stops with their next buses, unpaid bills, upcoming appointments, unread messages.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, title, section, empty, money, clock, dateTime, routeBadge, statusText } from '../ui.js';
import { setUnread } from '../state.js';
import { participationAvailable } from './cases.js';

function unavailable(part) {
  return h('div', { class: 'notice unavailable' },
    h('p', {}, h('span', { class: 'icon', 'aria-hidden': 'true' }, '⚠'), ' ', t('home.unavailable'), part.reason ? ` (${part.reason})` : ''),
    h('button', { class: 'button button-secondary', type: 'button', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, t('common.retry')));
}

function stopsSection(part, names, colours) {
  if (part?.status !== 'OK') return section(t('home.favouriteStops'), unavailable(part || {}));
  if (!part.stops?.length) {
    return section(t('home.favouriteStops'), empty(t('home.noFavourites')), h('a', { class: 'button button-secondary', href: '#/buses' }, t('home.findStops')));
  }
  return section(t('home.favouriteStops'), h('ul', { class: 'list' }, part.stops.map((stop) => {
    const next = (stop.arrivals || []).slice(0, 3);
    return h('li', { class: 'list-item' },
      h('a', { class: 'list-link', href: `#/buses/stops/${encodeURIComponent(stop.stopId)}` },
        h('span', { class: 'list-title' }, names.get(stop.stopId) || stop.stopId),
        stop.status !== 'OK' ? h('span', { class: 'muted' }, t('home.arrivalsUnavailable')) : null,
        stop.alerts?.length ? h('span', { class: 'row-alert' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, '⚠'), ' ',
          h('span', { class: 'visually-hidden' }, `${t('buses.alert')}: `), stop.alerts.map((x) => x.headerText || statusText('effect', x.effect)).join('；')) : null,
        next.length ? h('ul', { class: 'mini-board' }, next.map((a) => h('li', {},
          routeBadge(a.routeShortName || '?', colours.get(a.routeShortName)), ' ',
          h('span', {}, a.headsign || ''), ' ',
          h('strong', {}, clock(a.predictedArrival || a.scheduledArrival)), ' ',
          h('span', { class: `tag tag-${(a.status || '').toLowerCase()}` }, statusText('arrival', a.status)),
          a.numberOfStopsAway !== undefined ? h('span', { class: 'muted' }, ' ', t('buses.stopsAway', { n: a.numberOfStopsAway })) : null)))
          : h('span', { class: 'muted' }, t('buses.noArrivals'))));
  })));
}

function billsSection(part) {
  if (part?.status !== 'OK') return section(t('home.unpaidBills'), unavailable(part || {}));
  if (!part.bills?.length) return section(t('home.unpaidBills'), empty(t('home.allPaid')));
  return section(t('home.unpaidBills'),
    h('p', { class: 'total' }, t('home.totalDue'), ' ', h('strong', { class: 'amount' }, money(part.total))),
    h('ul', { class: 'list' }, part.bills.map((b) => h('li', { class: 'list-item' },
      h('a', { class: 'list-link', href: `#/bills/${b.id}` },
        h('span', { class: 'list-title' }, statusText('utility', b.utility), ' · ', b.period),
        h('span', {}, h('strong', { class: 'amount' }, money(b.total)), ' ', h('span', { class: 'muted' }, t('bills.dueOn', { date: b.dueDate }))))))));
}

function appointmentsSection(part) {
  if (part?.status !== 'OK') return section(t('home.appointments'), unavailable(part || {}));
  if (!part.appointments?.length) return section(t('home.appointments'), empty(t('home.noAppointments')), h('a', { class: 'button button-secondary', href: '#/hospitals' }, t('hospitals.book')));
  return section(t('home.appointments'), h('ul', { class: 'list' }, part.appointments.map((a) => h('li', { class: 'list-item' },
    h('a', { class: 'list-link', href: `#/appointments/${a.id}` },
      h('span', { class: 'list-title' }, dateTime(a.start)),
      h('span', {}, `${a.hospital} · ${a.department} · ${a.doctor}`),
      h('span', { class: 'tag' }, statusText('appointment', a.status)))))));
}

export async function render(ctx) {
  const [me, dash, participation] = await Promise.all([api('/api/v1/me'), api('/api/v1/me/dashboard'), participationAvailable()]);
  // The dashboard names stops by id; their names come from the public stop endpoint.
  const names = new Map();
  const colours = new Map();
  const stops = dash.favouriteStops?.stops || [];
  await Promise.all([
    ...stops.map((s) => api(`/api/v1/transit/stops/${encodeURIComponent(s.stopId)}`, { auth: false })
      .then((v) => {
        names.set(s.stopId, v.name);
        (v.routes || []).forEach((r) => colours.set(r.shortName, r.color));
      }).catch(() => {})),
  ]);
  const unread = dash.unreadNotifications;
  if (unread?.status === 'OK') setUnread(unread.count);
  const grid = h('nav', { class: 'service-grid', 'aria-label': t('home.services') },
    [['#/buses', '🚌', 'tab.buses'], ['#/bills', '¥', 'tab.bills'], ['#/hospitals', '✚', 'tab.hospitals'],
      ['#/appointments', '📅', 'hospitals.myAppointments'], ['#/messages', '🔔', 'messages.title'],
      participation ? ['#/cases', '✍', 'cases.title'] : ['#/me/activity', '🧾', 'me.activity']]
      .map(([href, icon, key]) => h('a', { class: 'service', href }, h('span', { class: 'service-icon', 'aria-hidden': 'true' }, icon), h('span', {}, t(key)))));
  return h('div', { class: 'screen', id: 'dashboard' },
    title(t('home.greeting', { name: me.realName || me.phone })),
    unread?.status === 'OK'
      ? h('p', { class: 'card unread-line' }, h('a', { href: '#/messages' }, t('home.unread', { n: unread.count })))
      : null,
    grid,
    stopsSection(dash.favouriteStops, names, colours),
    billsSection(dash.unpaidBills),
    appointmentsSection(dash.upcomingAppointments));
}
