// The notification bell: registers the service worker, asks for permission
// and sends the browser's push subscription to the server. Without scripts
// or Web Push support the bell stays hidden.
(function () {
  "use strict";

  function urlBase64ToBytes(s) {
    var padded = (s + "===".slice((s.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function say(bell, text) {
    var status = bell.querySelector("[data-push-status]");
    if (status) status.textContent = text;
  }

  function subscribe(bell) {
    var key = bell.getAttribute("data-vapid-public-key");
    if (!key) { say(bell, "Notifications are not set up on this server."); return; }
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        say(bell, "Notifications aren't allowed. Allow them for this site in your browser's settings.");
        return;
      }
      return navigator.serviceWorker.register("/service-worker.js", { scope: "/" })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function (reg) {
          return reg.pushManager.getSubscription().then(function (existing) {
            return existing || reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToBytes(key) });
          });
        })
        .then(function (sub) {
          return fetch("/users/me/push_subscriptions", {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "Accept": "application/json" },
            body: JSON.stringify(sub.toJSON())
          });
        })
        .then(function (res) {
          if (!res.ok) throw new Error("server answered " + res.status);
          say(bell, "Notifications are on for this device.");
          setTimeout(function () { location.reload(); }, 800);
        });
    }).catch(function () {
      say(bell, "Could not turn on notifications. Try again later.");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    document.querySelectorAll("[data-push-bell]").forEach(function (bell) {
      if (!supported) return;
      bell.hidden = false;
      var button = bell.querySelector("[data-push-subscribe]");
      if (button) button.addEventListener("click", function () { subscribe(bell); });
    });
  });
})();
