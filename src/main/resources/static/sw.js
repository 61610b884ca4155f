// The service worker: keeps the app shell for offline starts and shows Web Push notifications.
// It never touches /api/**: data (and the live streams) always go to the network.
const VERSION = 'onestop-app-v1';
const SHELL = [
  '/',
  '/manifest.webmanifest',
  '/app/styles.css',
  '/app/main.js',
  '/app/api.js',
  '/app/sse.js',
  '/app/i18n.js',
  '/app/ui.js',
  '/app/state.js',
  '/app/map.js',
  '/app/config.json',
  '/app/screens/auth.js',
  '/app/screens/home.js',
  '/app/screens/buses.js',
  '/app/screens/bills.js',
  '/app/screens/hospitals.js',
  '/app/screens/messages.js',
  '/app/screens/me.js',
  '/app/screens/cases.js',
  '/app/screens/settings.js',
  '/app/icons/icon.svg',
  '/app/icons/icon-192.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/actuator') || url.pathname.startsWith('/v3/')) return;
  const isShell = url.pathname === '/' || url.pathname === '/index.html' || url.pathname === '/manifest.webmanifest' || url.pathname.startsWith('/app/');
  if (!isShell) return;
  // Network first, so a new version shows at once when online; the cached copy when offline.
  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(VERSION).then((cache) => cache.put(event.request, copy));
      }
      return response;
    })
    .catch(() => caches.match(event.request, { ignoreSearch: url.pathname === '/' }).then((hit) => hit || caches.match('/'))));
});

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: 'OneStop', body: event.data ? event.data.text() : '' };
  }
  const title = data.title || 'OneStop 一站通';
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || '',
    icon: '/app/icons/icon-192.png',
    badge: '/app/icons/icon-192.png',
    tag: data.id || undefined,
    lang: data.language || undefined,
    data: { url: data.url || '/#/messages' },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = event.notification.data?.url || '/#/messages';
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((list) => {
    for (const client of list) {
      if ('focus' in client) {
        client.navigate(target).catch(() => {});
        return client.focus();
      }
    }
    return self.clients.openWindow(target);
  }));
});
