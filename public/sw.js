// Kaohe service worker: the app shell (wasm, js, css, icons) is cached so the app opens
// offline; pages are network-first with the last copy kept for offline use; server
// functions always go to the network (the app keeps its own outbox for offline work).
'use strict';

const VERSION = 'kaohe-v1';
const SHELL = VERSION + '-shell';
const PAGES = VERSION + '-pages';
const SHELL_FILES = [
  '/pkg/kaohe.js',
  '/pkg/kaohe.wasm',
  '/pkg/kaohe.css',
  '/pwa.js',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting())
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => !k.startsWith(VERSION)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

// A page the app asks us to keep (see pwa.js).
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'keep-page' && typeof data.url === 'string' && data.url.startsWith('/')) {
    event.waitUntil(keepPage(new Request(data.url, { credentials: 'same-origin' })));
  }
});

async function keepPage(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      const cache = await caches.open(PAGES);
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (e) {
    return undefined;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.method !== 'GET') {
    // After signing out, forget the pages that held the user's data.
    if (url.pathname === '/api/sign_out') {
      event.respondWith(fetch(request).then((res) => caches.delete(PAGES).then(() => res)));
    }
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz') return;

  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request));
    return;
  }
  if (url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/icons/') ||
      url.pathname === '/manifest.webmanifest' || url.pathname === '/pwa.js') {
    event.respondWith(staleWhileRevalidate(request));
  }
});

async function networkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      cache.put(request.url, response.clone());
    }
    return response;
  } catch (e) {
    const cached = (await cache.match(request.url)) || (await cache.match('/login'));
    if (cached) return cached;
    return new Response(
      '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
      '<title>考核</title><p style="font:16px sans-serif;padding:24px">当前离线，且此页面尚未缓存。请联网后重试。</p>',
      { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } }
    );
  }
}

async function staleWhileRevalidate(request) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request);
  const refresh = fetch(request)
    .then((response) => {
      if (response.ok) cache.put(request, response.clone());
      return response;
    })
    .catch(() => undefined);
  return cached || (await refresh) || new Response('', { status: 504 });
}
