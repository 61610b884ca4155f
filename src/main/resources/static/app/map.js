// A small map drawn in SVG from the feed's own data: route shapes (encoded polylines), stops and live vehicles.
// No tile server: the city's streets are the bus lines themselves. A tap picks a point.
import { s, textOn } from './ui.js';
import { t } from './i18n.js';

/** Google's encoded polyline (precision 1e-5) to [[lat, lon], ...]. */
export function decodePolyline(str) {
  const points = [];
  let index = 0;
  let lat = 0;
  let lon = 0;
  while (index < str.length) {
    for (const which of [0, 1]) {
      let result = 0;
      let shift = 0;
      let b;
      do {
        b = str.charCodeAt(index++) - 63;
        result |= (b & 0x1f) << shift;
        shift += 5;
      } while (b >= 0x20 && index < str.length);
      const delta = result & 1 ? ~(result >> 1) : result >> 1;
      if (which === 0) lat += delta;
      else lon += delta;
    }
    points.push([lat / 1e5, lon / 1e5]);
  }
  return points;
}

const SIZE = 1000;

/**
 * Web Mercator tiles under the map, when the deployment configures a tile server. Near the centre Mercator is our
 * local projection up to one scale factor k (map units per tile pixel), so tiles are placed by that factor.
 */
function drawTiles(svg, template, center, unitsPerDegLon) {
  const zoomFor = (z) => (unitsPerDegLon * 360) / (256 * 2 ** z);
  let z = Math.floor(Math.log2((unitsPerDegLon * 360) / 256));
  z = Math.max(0, Math.min(19, z));
  const k = zoomFor(z);
  const world = 256 * 2 ** z;
  const lat = (center.lat * Math.PI) / 180;
  const cx = ((center.lon + 180) / 360) * world;
  const cy = ((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * world;
  const half = SIZE / 2 / k;
  const g = s('g', { class: 'map-tiles', 'aria-hidden': 'true' });
  for (let tx = Math.floor((cx - half) / 256); tx <= Math.floor((cx + half) / 256); tx++) {
    for (let ty = Math.floor((cy - half) / 256); ty <= Math.floor((cy + half) / 256); ty++) {
      if (ty < 0 || ty >= 2 ** z) continue;
      const x = ((tx % 2 ** z) + 2 ** z) % 2 ** z;
      g.append(s('image', {
        href: template.replace('{z}', z).replace('{x}', x).replace('{y}', ty),
        x: SIZE / 2 + (tx * 256 - cx) * k, y: SIZE / 2 + (ty * 256 - cy) * k, width: 256 * k, height: 256 * k,
        preserveAspectRatio: 'none',
      }));
    }
  }
  svg.append(g);
}

/**
 * Draws a square map around `center` ({lat, lon}) showing `radiusMeters` in each direction.
 * `shapes`: [{points, color, label}]; `stops`: [{id, name, lat, lon}]; `vehicles`: [{lat, lon, label, color}].
 * `onPick({lat, lon})` is called on a tap or click. Returns the <svg>.
 */
export function drawMap({ center, radiusMeters, shapes = [], stops = [], vehicles = [], selectedStopId, onPick, onStop, tiles }) {
  const metersPerDegLat = 111_320;
  const metersPerDegLon = 111_320 * Math.cos((center.lat * Math.PI) / 180);
  const scale = SIZE / (2 * radiusMeters);
  const x = (lon) => SIZE / 2 + (lon - center.lon) * metersPerDegLon * scale;
  const y = (lat) => SIZE / 2 - (lat - center.lat) * metersPerDegLat * scale;

  const svg = s('svg', {
    viewBox: `0 0 ${SIZE} ${SIZE}`, class: 'map', role: 'img',
    'aria-label': t('map.label', { stops: stops.length, vehicles: vehicles.length }),
  });
  svg.append(s('title', {}, t('map.label', { stops: stops.length, vehicles: vehicles.length })));
  svg.append(s('rect', { x: 0, y: 0, width: SIZE, height: SIZE, class: 'map-bg' }));
  if (tiles?.url) drawTiles(svg, tiles.url, center, metersPerDegLon * scale);
  // A 250 m grid so distance can be judged without tiles.
  const step = 250 * scale;
  for (let g = SIZE / 2 % step; g < SIZE; g += step) {
    svg.append(s('line', { x1: g, y1: 0, x2: g, y2: SIZE, class: 'map-grid' }));
    svg.append(s('line', { x1: 0, y1: g, x2: SIZE, y2: g, class: 'map-grid' }));
  }
  for (const shape of shapes) {
    const d = shape.points.map(([la, lo], i) => `${i ? 'L' : 'M'}${x(lo).toFixed(1)},${y(la).toFixed(1)}`).join('');
    svg.append(s('path', { d, class: 'map-route', stroke: `#${shape.color || '555555'}` }));
  }
  for (const stop of stops) {
    const selected = stop.id === selectedStopId;
    const g = s('g', { class: selected ? 'map-stop selected' : 'map-stop' });
    g.append(s('circle', { cx: x(stop.lon), cy: y(stop.lat), r: selected ? 16 : 11 }));
    g.append(s('text', { x: x(stop.lon) + 18, y: y(stop.lat) - 14, class: 'map-label' }, stop.name));
    g.append(s('title', {}, stop.name));
    if (onStop) {
      g.addEventListener('click', (ev) => {
        ev.stopPropagation();
        onStop(stop);
      });
    }
    svg.append(g);
  }
  for (const v of vehicles) {
    const g = s('g', { class: 'map-vehicle' });
    const fill = `#${v.color || '333333'}`;
    g.append(s('rect', { x: x(v.lon) - 20, y: y(v.lat) - 14, width: 40, height: 28, rx: 6, fill, class: 'map-vehicle-box' }));
    g.append(s('text', { x: x(v.lon), y: y(v.lat) + 7, 'text-anchor': 'middle', fill: textOn(v.color || '333333'), class: 'map-vehicle-label' }, v.label || ''));
    g.append(s('title', {}, t('map.vehicle', { route: v.label || '' })));
    svg.append(g);
  }
  // The picked point: a cross, not a colour.
  svg.append(s('path', { d: `M${SIZE / 2 - 22},${SIZE / 2}H${SIZE / 2 + 22}M${SIZE / 2},${SIZE / 2 - 22}V${SIZE / 2 + 22}`, class: 'map-center' }));
  if (onPick) {
    svg.addEventListener('click', (ev) => {
      const box = svg.getBoundingClientRect();
      const px = ((ev.clientX - box.left) / box.width) * SIZE;
      const py = ((ev.clientY - box.top) / box.height) * SIZE;
      onPick({
        lat: center.lat + (SIZE / 2 - py) / scale / metersPerDegLat,
        lon: center.lon + (px - SIZE / 2) / scale / metersPerDegLon,
      });
    });
  }
  return svg;
}
