/* The worker app's service worker: keeps the app shell so the app opens with no signal.
 *
 * The server writes SHELL ({version, urls}) into this file when it serves it, so a new release is a new
 * worker. Only the shell is cached here. API calls are never intercepted: the page itself keeps the caseload
 * and the queue of unsent visits in IndexedDB and decides what to do when the network fails. */
"use strict";

const SHELL = null; // replaced when served
const CACHE = `worker-app-shell-${SHELL.version}`;
const SHELL_URLS = new Set(SHELL.urls);
const APP_PAGE = "/app/";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // `reload` skips the HTTP cache so a release never mixes old and new files.
    await cache.addAll(SHELL.urls.map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("worker-app-shell-") && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(APP_PAGE)) {
    // Any page inside the app opens the shell; the page routes by its #fragment.
    event.respondWith(fromCache(APP_PAGE, request));
  } else if (SHELL_URLS.has(url.pathname)) {
    event.respondWith(fromCache(url.pathname, request));
  }
});

/** The cached copy of a shell file; the network only if it is somehow missing from the cache. */
async function fromCache(path, request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(path);
  if (cached) return cached;
  return fetch(request);
}
