// Campfire's service worker: shows pushed notifications and opens the room a
// notification is about. It is served from /service-worker.js so that its
// scope is the whole site.
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var options = data.options || {};
  var badge = options.data && options.data.badge;
  event.waitUntil(Promise.all([
    self.registration.showNotification(data.title || "Campfire", options),
    setBadge(badge)
  ]));
});

function setBadge(count) {
  if (!self.navigator || !self.navigator.setAppBadge) return Promise.resolve();
  var p = count ? self.navigator.setAppBadge(count) : self.navigator.clearAppBadge();
  return p.catch(function () {});
}

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var path = (event.notification.data && event.notification.data.path) || "/";
  var url = new URL(path, self.location.origin);
  if (url.origin !== self.location.origin) url = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    var focused = windows.find(function (w) { return w.focused; }) || windows[0];
    if (focused && focused.navigate) {
      return focused.navigate(url.href).then(function (w) { return (w || focused).focus(); });
    }
    return self.clients.openWindow(url.href);
  }));
});
