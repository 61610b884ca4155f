// Tests of the app's modules that need no browser: the dictionaries, the SSE parser, the polyline decoder.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const appDir = resolve(here, '..', 'src', 'main', 'resources', 'static', 'app');
const load = (name) => import(pathToFileURL(join(appDir, name)).href);

function sources(dir = appDir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.js') ? [p] : [];
  });
}

export const unitTests = [
  ['both dictionaries have the same keys', async () => {
    const { zh, en } = await load('i18n.js');
    const onlyZh = Object.keys(zh).filter((k) => !(k in en));
    const onlyEn = Object.keys(en).filter((k) => !(k in zh));
    assert.deepEqual({ onlyZh, onlyEn }, { onlyZh: [], onlyEn: [] });
  }],
  ['every text key the screens use is in the dictionaries', async () => {
    const { zh } = await load('i18n.js');
    const used = new Set();
    for (const file of sources().filter((f) => !f.endsWith('i18n.js'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\('([\w.]+)'/g)) used.add(m[1]);
      // Keys named in tables: ['#/buses', '🚌', 'tab.buses'] and the tab list.
      for (const m of text.matchAll(/'((?:tab|messages|hospitals|me|cases|push)\.[a-zA-Z]+)'/g)) used.add(m[1]);
    }
    const missing = [...used].filter((k) => !(k in zh));
    assert.deepEqual(missing, []);
    assert.ok(used.size > 100, `only ${used.size} keys found: the scan is broken`);
  }],
  ['placeholders are the same in both languages', async () => {
    const { zh, en } = await load('i18n.js');
    const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    const differ = Object.keys(zh).filter((k) => k in en && names(zh[k]) !== names(en[k]));
    assert.deepEqual(differ, []);
  }],
  ['t() fills placeholders and falls back to the key', async () => {
    const { t } = await load('i18n.js');
    assert.equal(t('buses.stopsAway', { n: 2 }), '还有 2 站');
    assert.equal(t('no.such.key'), 'no.such.key');
  }],
  ['an SSE block with id, event and two data lines', async () => {
    const { parseBlock } = await load('sse.js');
    assert.deepEqual(parseBlock('id:7\nevent:notification\ndata:{"a":\ndata: 1}'), { event: 'notification', id: '7', data: '{"a":\n1}' });
  }],
  ['an SSE comment (heartbeat) is no event', async () => {
    const { parseBlock } = await load('sse.js');
    assert.equal(parseBlock(':connected'), null);
    assert.deepEqual(parseBlock('data:x'), { event: 'message', data: 'x' });
  }],
  ['decodes the encoded polyline of Google\'s documentation', async () => {
    // The example in Google's "Encoded Polyline Algorithm Format": (38.5, -120.2), (40.7, -120.95), (43.252, -126.453).
    const { decodePolyline } = await load('map.js');
    const points = decodePolyline('_p~iF~ps|U_ulLnnqC_mqNvxq`@');
    assert.deepEqual(points.map(([a, b]) => [Number(a.toFixed(5)), Number(b.toFixed(5))]), [[38.5, -120.2], [40.7, -120.95], [43.252, -126.453]]);
  }],
  ['badge text is black or white, whichever contrasts more (WCAG relative luminance)', async () => {
    const { textOn } = await load('ui.js');
    // Hand-computed: #388E3C has luminance 0.205, so black gives 5.1:1 and white 4.1:1; #1976D2: white 4.6:1.
    assert.equal(textOn('388E3C'), '#000000');
    assert.equal(textOn('1976D2'), '#ffffff');
    assert.equal(textOn('FFEB3B'), '#000000');
    assert.equal(textOn('D32F2F'), '#ffffff');
  }],
];
