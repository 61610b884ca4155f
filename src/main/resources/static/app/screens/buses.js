// Buses: stops near me (browser location or a picked point, on an SVG map), alerts, and a stop's live board over SSE.
import { api, signedIn, ApiError } from '../api.js';
import { t, currentLanguage } from '../i18n.js';
import { h, title, section, empty, loading, errorBox, fill, toast, clock, distance, routeBadge, minutesBetween, statusText, busy } from '../ui.js';
import { openStream } from '../sse.js';
import { drawMap, decodePolyline } from '../map.js';
import { participationAvailable } from './cases.js';

const RADIUS = 800;
const routeCache = new Map();
let routesIndex = null;

/** All routes by id (for colours and names of vehicles, which carry the feed's own route id). */
async function routes() {
  if (!routesIndex) {
    const list = await api('/api/v1/transit/routes', { auth: false });
    routesIndex = new Map(list.items.map((r) => [r.id, r]));
  }
  return routesIndex;
}

async function routeDetail(id) {
  if (!routeCache.has(id)) {
    routeCache.set(id, api(`/api/v1/transit/routes/${encodeURIComponent(id)}`, { auth: false }).catch((e) => {
      routeCache.delete(id);
      throw e;
    }));
  }
  return routeCache.get(id);
}

let appConfig = null;

/** The deployment's settings for the app (an optional tile layer): {} when none. */
async function config() {
  if (!appConfig) appConfig = fetch('/app/config.json').then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  return appConfig;
}

/** Where to look when the browser gives no location: the middle stop of the first route of the feed. */
async function defaultCenter() {
  const saved = sessionStorage.getItem('onestop.mapCenter');
  if (saved) return JSON.parse(saved);
  const index = await routes();
  const first = [...index.values()][0];
  if (!first) return { lat: 0, lon: 0 };
  const detail = await routeDetail(first.id);
  const stops = detail.patterns?.[0]?.stops || [];
  const mid = stops[Math.floor(stops.length / 2)] || { lat: 0, lon: 0 };
  return { lat: mid.lat, lon: mid.lon };
}

function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error(t('buses.noGeolocation')));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude }),
      (e) => reject(new Error(e.code === 1 ? t('buses.locationDenied') : t('buses.locationFailed'))),
      { enableHighAccuracy: false, timeout: 8000, maximumAge: 60_000 });
  });
}

function alertText(list) {
  // Boards carry texts already in the rider's language (a string); the alerts endpoint gives every translation.
  if (typeof list === 'string') return list;
  if (!list?.length) return '';
  const lang = currentLanguage().toLowerCase();
  const pick = list.find((x) => (x.language || '').toLowerCase() === lang)
    || list.find((x) => (x.language || '').toLowerCase().startsWith(lang.slice(0, 2)))
    || list[0];
  return pick.text || '';
}

function alertsList(items) {
  if (!items?.length) return null;
  return h('ul', { class: 'alerts' }, items.map((a) => h('li', { class: 'alert-item' },
    h('p', { class: 'alert-title' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, '⚠'), ' ',
      h('span', { class: 'visually-hidden' }, t('buses.alert'), ': '), alertText(a.headerText) || statusText('effect', a.effect)),
    alertText(a.descriptionText) ? h('p', {}, alertText(a.descriptionText)) : null,
    a.effect ? h('p', { class: 'muted small' }, t('buses.alertEffect', { effect: statusText('effect', a.effect) })) : null)));
}

export async function nearby(ctx) {
  let center = null;
  const lat = Number(ctx.query.get('lat'));
  const lon = Number(ctx.query.get('lon'));
  if (ctx.query.has('lat') && Number.isFinite(lat) && Number.isFinite(lon)) center = { lat, lon };
  if (!center) center = await defaultCenter();
  const { mapTiles } = await config();

  const mapBox = h('div', { class: 'map-box' });
  const listBox = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' });
  const where = h('p', { class: 'muted small', id: 'map-where' });
  const alertsBox = h('div');
  let vehicles = [];
  let stops = [];
  let shapes = [];
  let seq = 0;

  const redraw = () => {
    fill(mapBox, drawMap({
      center, radiusMeters: RADIUS, shapes, stops, vehicles, tiles: mapTiles,
      onPick: (p) => move(p),
      onStop: (stop) => ctx.navigate(`#/buses/stops/${encodeURIComponent(stop.id)}`),
    }));
    where.textContent = t('buses.centre', { lat: center.lat.toFixed(5), lon: center.lon.toFixed(5) });
  };

  const loadVehicles = async () => {
    try {
      const [list, index] = await Promise.all([
        api(`/api/v1/transit/vehicles?lat=${center.lat}&lon=${center.lon}&radius=${Math.round(RADIUS * 1.5)}`, { auth: false }),
        routes()]);
      vehicles = list.items.map((v) => {
        const route = index.get(`${v.feedId}:${v.routeId}`) || index.get(v.routeId);
        return { ...v, label: route?.shortName || v.label || v.routeId, color: route?.color };
      });
      redraw();
    } catch {
      /* vehicles are an extra on the map; the stop list does not depend on them */
    }
  };

  const load = async () => {
    const mine = ++seq;
    listBox.setAttribute('aria-busy', 'true');
    fill(listBox, loading());
    try {
      const result = await api(`/api/v1/transit/stops?lat=${center.lat}&lon=${center.lon}&radius=${RADIUS}&limit=20`, { auth: false });
      if (mine !== seq) return;
      stops = result.items;
      const routeIds = [...new Set(stops.flatMap((st) => st.routes.map((r) => r.id)))].slice(0, 8);
      const details = await Promise.all(routeIds.map((id) => routeDetail(id).catch(() => null)));
      if (mine !== seq) return;
      shapes = details.filter(Boolean).flatMap((r) => (r.patterns || [])
        .filter((p) => p.shape?.polyline)
        .map((p) => ({ points: decodePolyline(p.shape.polyline), color: r.color, label: r.shortName })));
      redraw();
      fill(listBox, stops.length
        ? h('ul', { class: 'list', id: 'nearby-stops' }, stops.map((st) => h('li', { class: 'list-item' },
          h('a', { class: 'list-link', href: `#/buses/stops/${encodeURIComponent(st.id)}`, dataset: { stop: st.id } },
            h('span', { class: 'list-title' }, st.name),
            h('span', { class: 'muted' }, t('buses.away', { d: distance(st.distanceMeters) })),
            h('span', { class: 'badges' }, st.routes.map((r) => routeBadge(r.shortName, r.color)))))))
        : empty(t('buses.noStopsNear')));
      loadVehicles();
    } catch (e) {
      fill(listBox, errorBox(e, load));
    } finally {
      listBox.setAttribute('aria-busy', 'false');
    }
  };

  const move = (p) => {
    center = { lat: Number(p.lat.toFixed(6)), lon: Number(p.lon.toFixed(6)) };
    sessionStorage.setItem('onestop.mapCenter', JSON.stringify(center));
    history.replaceState(null, '', `#/buses?lat=${center.lat}&lon=${center.lon}`);
    load();
  };

  const nudge = (dLat, dLon) => () => {
    const mLat = 111_320;
    const mLon = 111_320 * Math.cos((center.lat * Math.PI) / 180);
    move({ lat: center.lat + dLat / mLat, lon: center.lon + dLon / mLon });
  };

  const locateButton = h('button', { class: 'button button-primary', type: 'button', id: 'use-location' }, t('buses.useLocation'));
  locateButton.addEventListener('click', busy(locateButton, async () => {
    try {
      move(await locate());
    } catch (e) {
      toast(e.message, 'error');
    }
  }));
  const step = 300;
  const controls = h('div', { class: 'map-controls', role: 'group', 'aria-label': t('buses.moveMap') },
    h('button', { class: 'button button-secondary', type: 'button', onclick: nudge(step, 0) }, `↑ ${t('buses.north')}`),
    h('button', { class: 'button button-secondary', type: 'button', onclick: nudge(-step, 0) }, `↓ ${t('buses.south')}`),
    h('button', { class: 'button button-secondary', type: 'button', onclick: nudge(0, -step) }, `← ${t('buses.west')}`),
    h('button', { class: 'button button-secondary', type: 'button', onclick: nudge(0, step) }, `→ ${t('buses.east')}`));

  api('/api/v1/transit/alerts', { auth: false })
    .then((a) => fill(alertsBox, a.items?.length ? section(t('buses.alerts'), alertsList(a.items)) : null))
    .catch(() => {});
  const timer = setInterval(loadVehicles, 15_000);
  ctx.onDispose(() => clearInterval(timer));
  redraw();
  load();

  return h('div', { class: 'screen' },
    title(t('buses.nearbyTitle')),
    h('div', { class: 'card' },
      h('p', {}, t('buses.pickHint')),
      locateButton,
      mapBox,
      where,
      controls,
      mapTiles?.attribution ? h('p', { class: 'muted small' }, mapTiles.attribution) : null),
    alertsBox,
    section(t('buses.stopsNear'), listBox));
}

function boardRow(a, generatedAt, stopId, watched, onWatch) {
  const when = a.predictedArrival || a.scheduledArrival;
  const minutes = minutesBetween(generatedAt, when);
  const liveVehicle = a.numberOfStopsAway !== undefined && a.numberOfStopsAway !== null;
  // A bus that has just passed stays on the board for a moment (status PASSED, stops away below 0): say so, never
  // "-1 stops away".
  const passed = a.status === 'PASSED' || (liveVehicle && a.numberOfStopsAway < 0);
  const gone = a.status === 'SKIPPED' || a.status === 'CANCELED' || passed;
  const watch = watched.get(a.tripId);
  const watchButton = !gone && signedIn()
    ? h('button', {
      class: 'button button-small button-secondary', type: 'button', 'aria-pressed': watch ? 'true' : 'false',
      'aria-label': watch ? t('buses.unwatchLabel', { route: a.routeShortName, time: clock(when) }) : t('buses.watchLabel', { route: a.routeShortName, time: clock(when) }),
      onclick: (ev) => onWatch(a, watch, ev.currentTarget),
    }, watch ? `✓ ${t('buses.watching')}` : t('buses.watch'))
    : null;
  return h('li', { class: `board-row${gone ? ' gone' : ''}`, dataset: { trip: a.tripId, status: a.status || '', live: liveVehicle ? 'true' : 'false' } },
    h('div', { class: 'board-main' },
      routeBadge(a.routeShortName || '?', a.routeColor),
      h('div', { class: 'board-text' },
        h('span', { class: 'board-headsign' }, t('buses.towards', { headsign: a.headsign || '' })),
        h('span', { class: 'board-meta' },
          h('span', { class: `tag tag-${(a.status || '').toLowerCase()}` }, statusText('arrival', a.status)),
          liveVehicle && !passed ? h('span', { class: 'stops-away' }, ' ', t('buses.stopsAway', { n: a.numberOfStopsAway }),
            a.distanceFromStopMeters !== undefined ? ` · ${distance(a.distanceFromStopMeters)}` : '') : null,
          a.delaySeconds ? h('span', { class: 'muted' }, ' ', a.delaySeconds > 0 ? t('buses.late', { n: Math.round(a.delaySeconds / 60) }) : t('buses.early', { n: Math.round(-a.delaySeconds / 60) })) : null)),
      h('div', { class: 'board-time' },
        gone ? h('span', {}, '—') : h('span', { class: 'board-minutes' }, minutes === 0 ? t('buses.now') : t('buses.minutes', { n: minutes })),
        h('span', { class: 'muted' }, clock(when)))),
    a.alerts?.length ? h('p', { class: 'row-alert' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, '⚠'), ' ',
      h('span', { class: 'visually-hidden' }, `${t('buses.alert')}: `), a.alerts.map((x) => alertText(x.headerText) || statusText('effect', x.effect)).join('；')) : null,
    watchButton);
}

export async function board(ctx) {
  const stopId = ctx.params.stopId;
  const [stop, alerts] = await Promise.all([
    api(`/api/v1/transit/stops/${encodeURIComponent(stopId)}`, { auth: false }),
    api(`/api/v1/transit/alerts?stopId=${encodeURIComponent(stopId)}`, { auth: false }).catch(() => ({ items: [] })),
  ]);
  const index = await routes().catch(() => new Map());
  const colours = new Map([...index.values()].map((r) => [r.id, r.color]));
  let favourite = false;
  const watched = new Map();
  if (signedIn()) {
    const [favs, watches] = await Promise.all([
      api('/api/v1/me/favorites/stops').catch(() => ({ items: [] })),
      api('/api/v1/me/watches').catch(() => ({ items: [] })),
    ]);
    favourite = favs.items.some((f) => f.stopId === stopId);
    watches.items.filter((w) => w.stopId === stopId).forEach((w) => watched.set(w.tripId, w));
  }

  const report = signedIn() && await participationAvailable()
    ? h('a', { class: 'button button-secondary', href: `#/cases/new?subject=${encodeURIComponent(`STOP:${stopId}`)}&subjectName=${encodeURIComponent(stop.name)}` }, t('cases.report'))
    : null;
  const rows = h('ol', { class: 'board', id: 'board', 'aria-label': t('buses.boardLabel', { stop: stop.name }) });
  const summary = h('p', { class: 'board-summary', 'aria-live': 'polite', id: 'board-summary' });
  const liveState = h('p', { class: 'live-state', id: 'live-state' }, t('buses.connecting'));
  let last = null;
  let lastAnnounced = '';

  const render = () => {
    if (!last) return;
    const arrivals = (last.arrivals || []).map((a) => ({ ...a, routeColor: colours.get(a.routeId) }));
    if (!arrivals.length) {
      fill(rows, h('li', { class: 'empty' }, t('buses.noArrivals')));
    } else {
      fill(rows, arrivals.slice(0, 12).map((a) => boardRow(a, last.generatedAt, stopId, watched, onWatch)));
    }
    const first = arrivals.find((a) => a.status !== 'SKIPPED' && a.status !== 'CANCELED');
    const firstMinutes = first ? minutesBetween(last.generatedAt, first.predictedArrival || first.scheduledArrival) : 0;
    const text = !first ? t('buses.noArrivals')
      : firstMinutes === 0 ? t('buses.nextNow', { route: first.routeShortName })
        : t('buses.nextSummary', { route: first.routeShortName, minutes: firstMinutes });
    if (text !== lastAnnounced) {
      summary.textContent = text;
      lastAnnounced = text;
    }
  };

  async function onWatch(a, watch, btn) {
    btn.disabled = true;
    try {
      if (watch) {
        await api(`/api/v1/me/watches/${watch.id}`, { method: 'DELETE' });
        watched.delete(a.tripId);
        toast(t('buses.unwatched'), 'success');
      } else {
        const created = await api('/api/v1/me/watches', { method: 'POST', body: { stopId, tripId: a.tripId } });
        watched.set(a.tripId, created);
        toast(t('buses.watched', { route: a.routeShortName }), 'success');
      }
      render();
    } catch (e) {
      toast(e instanceof ApiError ? (e.detail || e.title) : String(e), 'error');
      btn.disabled = false;
    }
  }

  const alertsBox = h('div', { id: 'board-alerts' }, alerts.items?.length ? section(t('buses.alerts'), alertsList(alerts.items)) : null);
  const show = (boardData) => {
    last = boardData;
    render();
    // Boards that carry their alerts (stop, lines, agency) keep them current over the stream.
    if (Array.isArray(boardData.alerts)) fill(alertsBox, boardData.alerts.length ? section(t('buses.alerts'), alertsList(boardData.alerts)) : null);
    liveState.textContent = t('buses.liveState', { age: boardData.dataAgeSeconds ?? '?', time: clock(boardData.generatedAt) });
  };

  // A first answer at once, then the stream keeps it current.
  api(`/api/v1/transit/stops/${encodeURIComponent(stopId)}/arrivals`, { auth: false }).then((b) => { if (!last) show(b); }).catch(() => {});
  const stream = openStream(`/api/v1/transit/stops/${encodeURIComponent(stopId)}/arrivals/stream`, {
    onEvent: (msg) => {
      if (msg.event !== 'arrivals') return;
      try { show(JSON.parse(msg.data)); } catch { /* a malformed event is skipped; the next one replaces it */ }
    },
    onState: (state) => {
      rows.setAttribute('data-stream', state);
      if (state === 'error') liveState.textContent = t('buses.reconnecting');
    },
  });
  ctx.onDispose(() => stream.close());

  const favButton = signedIn()
    ? h('button', { class: 'button button-secondary', type: 'button', id: 'favourite', 'aria-pressed': favourite ? 'true' : 'false' },
      favourite ? `★ ${t('buses.favourited')}` : `☆ ${t('buses.favourite')}`)
    : h('a', { class: 'button button-secondary', href: `#/login?next=${encodeURIComponent(`/buses/stops/${stopId}`)}` }, `☆ ${t('buses.signInToFavourite')}`);
  if (signedIn()) {
    favButton.addEventListener('click', busy(favButton, async () => {
      try {
        if (favourite) await api(`/api/v1/me/favorites/stops/${encodeURIComponent(stopId)}`, { method: 'DELETE' });
        else await api(`/api/v1/me/favorites/stops/${encodeURIComponent(stopId)}`, { method: 'PUT' });
        favourite = !favourite;
        favButton.setAttribute('aria-pressed', favourite ? 'true' : 'false');
        favButton.textContent = favourite ? `★ ${t('buses.favourited')}` : `☆ ${t('buses.favourite')}`;
        toast(favourite ? t('buses.favouriteAdded') : t('buses.favouriteRemoved'), 'success');
      } catch (e) {
        toast(e.detail || e.title || String(e), 'error');
      }
    }));
  }

  return h('div', { class: 'screen' },
    title(stop.name, h('p', { class: 'muted' }, h('span', { class: 'badges' }, (stop.routes || []).map((r) => routeBadge(r.shortName, r.color))))),
    h('div', { class: 'actions' }, favButton, h('a', { class: 'button button-secondary', href: `#/buses?lat=${stop.lat}&lon=${stop.lon}` }, t('buses.onMap')), report),
    alertsBox,
    h('section', { class: 'card', 'aria-labelledby': 'board-title' },
      h('h2', { id: 'board-title' }, t('buses.boardTitle')),
      liveState,
      summary,
      rows,
      h('p', { class: 'muted small' }, t('buses.boardHint'))));
}
