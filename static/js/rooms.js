// Rooms on top of htmx's SSE extension: who is typing, whether this tab is
// being looked at, and keeping the room list right. Without scripts none of
// this runs and nothing is lost but the live hints.
(function () {
  "use strict";

  function roomID() {
    var m = document.querySelector('meta[name="current-room-id"]');
    return m ? m.content : "";
  }

  function report(path, state) {
    var id = roomID();
    if (!id) return Promise.resolve();
    return fetch("/rooms/" + id + "/" + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "state=" + encodeURIComponent(state),
      keepalive: true
    }).catch(function () { /* a lost hint is harmless */ });
  }

  // --- Typing: "start" at most once a second while the composer has text,
  // "stop" when it empties or the message is sent.
  var lastStart = 0;
  var typing = false;
  // Reports go one at a time, so a "stop" never overtakes the "start" before
  // it and leaves the others a stale "is typing" line.
  var typingQueue = Promise.resolve();
  function reportTyping(state) {
    typingQueue = typingQueue.then(function () { return report("typing", state); });
  }
  function composerText(form) {
    var field = form.querySelector("[name='message[body]']");
    if (!field) return "";
    return String(field.value || "").replace(/<[^>]*>/g, "").replace(/&nbsp;/g, " ").trim();
  }
  function composerChanged(e) {
    var form = e.target && e.target.closest && e.target.closest("#composer");
    if (!form) return;
    if (composerText(form) === "") {
      stopTyping();
      return;
    }
    var now = Date.now();
    if (now - lastStart >= 1000) {
      lastStart = now;
      typing = true;
      reportTyping("start");
    }
  }
  function stopTyping() {
    if (!typing) return;
    typing = false;
    lastStart = 0;
    reportTyping("stop");
  }
  document.addEventListener("input", composerChanged);
  document.addEventListener("trix-change", composerChanged);
  document.addEventListener("submit", function (e) {
    if (e.target && e.target.id === "composer") stopTyping();
  }, true);
  window.addEventListener("pagehide", stopTyping);

  // Others' typing lines go when not renewed within 5 s (a "stop" may be lost).
  var typingSeen = {};
  document.addEventListener("htmx:sseMessage", function (e) {
    if (!e.detail || e.detail.type !== "typing") return;
    var m = /typing_user_(\d+)/.exec(e.detail.data || "");
    if (m) typingSeen[m[1]] = Date.now();
  });
  setInterval(function () {
    var now = Date.now();
    document.querySelectorAll("#typing [data-user-id]").forEach(function (el) {
      var seen = typingSeen[el.dataset.userId] || 0;
      if (now - seen > 5000) el.remove();
    });
  }, 1000);

  // --- Presence: a tab hidden for 5 s is away; shown again, it is here.
  var hiddenTimer = null;
  var reportedAbsent = false;
  function scheduleAbsent() {
    clearTimeout(hiddenTimer);
    hiddenTimer = setTimeout(function () {
      reportedAbsent = true;
      report("presence", "absent");
    }, 5000);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      scheduleAbsent();
    } else {
      clearTimeout(hiddenTimer);
      if (reportedAbsent) {
        reportedAbsent = false;
        report("presence", "present");
      }
    }
  });

  // --- The room list. Whole-list updates know nothing of this tab, so mark
  // its room as current again after each.
  function markCurrent() {
    var id = roomID();
    document.querySelectorAll("#sidebar_rooms a[data-room-id]").forEach(function (a) {
      var current = a.dataset.roomId === id;
      a.classList.toggle("current", current);
      if (current) {
        a.classList.remove("unread", "mentioned");
        a.setAttribute("aria-current", "page");
      } else {
        a.removeAttribute("aria-current");
      }
    });
    updateTitle();
  }

  // --- The tab's title counts the other unread rooms, and the messages
  // that arrived here while the tab was hidden: "(3) Room".
  var baseTitle = document.title.replace(/^\(\d+\) /, "");
  var arrivedHidden = 0;
  function updateTitle() {
    if (!document.getElementById("sidebar_rooms")) return;
    var n = document.querySelectorAll("#sidebar_rooms a.unread:not(.current)").length + arrivedHidden;
    var want = (n > 0 ? "(" + n + ") " : "") + baseTitle;
    if (document.title !== want) document.title = want;
  }
  document.addEventListener("htmx:sseMessage", function (e) {
    if (!document.hidden || !e.detail || e.detail.type !== "message") return;
    if (!/hx-swap="beforeend"/.test(e.detail.data || "")) return;
    arrivedHidden++;
    updateTitle();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden || arrivedHidden === 0) return;
    arrivedHidden = 0;
    updateTitle();
  });
  document.addEventListener("htmx:sseMessage", function (e) {
    if (e.detail && e.detail.type === "sidebar") markCurrent();
  });

  // After a reconnect, fetch the list (its changes are not replayed), and
  // tell the server again if this tab is hidden. When the stream is refused,
  // the room may be gone or closed to us: then go home.
  var opened = false;
  document.addEventListener("htmx:sseOpen", function () {
    // A new stream counts as looked at; a hidden tab says otherwise.
    if (document.hidden) {
      if (reportedAbsent) report("presence", "absent");
      else scheduleAbsent();
    }
    if (!opened) {
      opened = true;
      return;
    }
    var list = document.getElementById("sidebar_rooms");
    if (!list || !window.htmx) return;
    htmx.ajax("GET", "/users/me/sidebar?room_id=" + encodeURIComponent(roomID()),
      { target: "#sidebar_rooms", swap: "outerHTML" }).then(markCurrent);
  });
  // --- The back/forward cache keeps a page that was left, frozen. Its stream
  // must not stay open meanwhile: the person would still count as here, and
  // the room's new messages would not mark it unread. Close it as the page
  // is hidden and open a fresh one, from the cursor the page carries, when
  // it is shown again; the replay brings what was posted in between.
  var parked = null;
  window.addEventListener("pagehide", function (e) {
    var el = document.getElementById("stream");
    if (!e.persisted || !el) return;
    var data = el["htmx-internal-data"];
    if (data && data.sseEventSource) data.sseEventSource.close();
    parked = { el: el, parent: el.parentNode, next: el.nextSibling };
    el.remove();
  });
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted || !parked || !window.htmx) return;
    // A clone carries the attributes (the URL with its cursor) but none of
    // the old element's htmx state, so htmx opens a new stream for it.
    var fresh = parked.el.cloneNode(false);
    parked.parent.insertBefore(fresh, parked.next);
    parked = null;
    htmx.process(fresh);
  });

  var checking = false;
  document.addEventListener("htmx:sseError", function () {
    var id = roomID();
    if (!id || checking) return;
    checking = true;
    fetch("/rooms/" + id + "/involvement", { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (res) {
        if (res.status === 404) location.assign("/");
      })
      .catch(function () {})
      .finally(function () { checking = false; });
  });
})();
