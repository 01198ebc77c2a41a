// Campfire's page behaviour on top of htmx and its SSE extension. Everything
// here is an enhancement: without it, forms post and pages reload.
(function () {
  "use strict";

  var stream = function () { return document.getElementById("stream"); };

  // Keep the stream's after= cursor at the newest event seen. htmx's SSE
  // extension reopens a failed stream without Last-Event-ID, so the URL must
  // carry the cursor for nothing to be missed.
  document.addEventListener("htmx:sseMessage", function (e) {
    var id = e.detail && e.detail.lastEventId;
    var el = stream();
    if (!id || !el) return;
    var url = new URL(el.getAttribute("sse-connect"), location.href);
    if (Number(id) > Number(url.searchParams.get("after") || 0)) {
      url.searchParams.set("after", id);
      el.setAttribute("sse-connect", url.pathname + url.search);
    }
  });

  // A cursor too old to replay: the page itself is the only full picture.
  document.addEventListener("htmx:sseBeforeMessage", function (e) {
    if (e.detail && e.detail.type === "reload") {
      e.preventDefault();
      location.reload();
    }
  });

  // Appends are idempotent: a message already on the page (from the page
  // itself, the post's answer, or a replay overlapping live events) is not
  // added twice. A pending copy is replaced by the server's.
  function dedupe(e) {
    var frag = e.detail.fragment;
    var first = frag && frag.firstElementChild;
    var target = e.detail.target;
    if (!first || !first.id || !target || first.id === target.id) return;
    var existing = document.getElementById(first.id);
    if (!existing) return;
    if (existing.classList.contains("message--pending")) {
      existing.replaceWith(first.cloneNode(true));
      htmx.process(document.getElementById(first.id));
    }
    e.detail.shouldSwap = false;
  }
  document.addEventListener("htmx:partialBeforeSwap", dedupe);
  document.addEventListener("htmx:oobBeforeSwap", dedupe);

  // A message being edited in place keeps its form when someone boosts it
  // meanwhile: the live copy would throw away what is being typed. Saving or
  // cancelling brings the message back as it is then.
  function keepEditing(e) {
    var target = e.detail.target;
    var frag = e.detail.fragment;
    var first = frag && frag.firstElementChild;
    if (target && first && first.id === target.id && target.querySelector(".message__edit")) {
      e.detail.shouldSwap = false;
    }
  }
  document.addEventListener("htmx:partialBeforeSwap", keepEditing);

  // The answer to a message's form (a boost, its removal, a delete) may come
  // after the stream already replaced or removed that message; htmx would
  // then look for its targets from the detached form and log an error. The
  // stream applied the same change, so that late answer is dropped. (Events
  // on a detached form reach only the form, so the check is put on it.)
  function dropIfDetached(e) {
    if (!e.target.isConnected) e.detail.shouldSwap = false;
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt;
    if (elt && elt.matches && elt.matches("form[hx-swap='none']") && elt.closest(".message")) {
      elt.removeEventListener("htmx:beforeSwap", dropIfDetached);
      elt.addEventListener("htmx:beforeSwap", dropIfDetached);
    }
  });

  // A message replaced or removed under the focus (after a boost, a boost's
  // removal, a delete) hands the focus on instead of dropping it to the
  // page: to the new copy's menu button, else to the composer.
  var refocus = null;
  document.addEventListener("htmx:partialBeforeSwap", function (e) {
    var target = e.detail.target;
    var active = document.activeElement;
    if (!target || !target.classList || !target.classList.contains("message") || !active || !target.contains(active)) return;
    refocus = { id: target.id, menu: active.closest(".message__menu") ? ".message__menu > summary" : ".boost-menu > summary" };
  });
  document.addEventListener("htmx:partialAfterSwap", function () {
    if (!refocus) return;
    var want = refocus;
    refocus = null;
    var active = document.activeElement;
    if (active && active !== document.body) return;
    var msg = document.getElementById(want.id);
    var control = msg && msg.classList.contains("message") && msg.querySelector(want.menu);
    if (control) control.focus();
    else focusComposer();
  });

  // Editing in place: Escape cancels; after saving, the conversation goes on
  // in the composer.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !e.target.closest) return;
    var form = e.target.closest(".message__edit");
    var cancel = form && form.querySelector(".message__edit-cancel");
    if (cancel && cancel.getAttribute("hx-get")) {
      e.preventDefault();
      cancel.click();
    }
  });

  // Follow the conversation when the reader is already at the end.
  var messages = function () { return document.getElementById("messages"); };
  var pinned = true;
  function atBottom() {
    var el = document.scrollingElement || document.documentElement;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }
  window.addEventListener("scroll", function () { pinned = atBottom(); }, { passive: true });
  function scrollToEnd() {
    var el = document.scrollingElement || document.documentElement;
    el.scrollTop = el.scrollHeight;
  }
  // Pages of history (timeline.js) keep the reader's place instead.
  document.addEventListener("htmx:partialAfterSwap", function (e) {
    var t = e.detail.target;
    if (pinned && !(t && /^pager_/.test(t.id))) scrollToEnd();
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var cfg = e.detail.requestConfig;
    if (cfg && cfg.elt && cfg.elt.closest && cfg.elt.closest(".pager")) return;
    if (pinned) scrollToEnd();
  });

  // The composer: Enter sends, Shift+Enter breaks the line; after a send the
  // form is cleared and gets a new client_message_id, so a retry of the same
  // text is a new message while a double submit is not.
  function newClientMessageID() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t && t.id === "composer_body" && e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (t.value.trim() !== "") t.form.requestSubmit();
    }
  });
  function focusComposer() {
    var field = document.querySelector("#composer trix-editor") || document.getElementById("composer_body");
    if (field) field.focus();
  }
  document.addEventListener("htmx:afterRequest", function (e) {
    // The form was swapped away with its message, so the event reaches us
    // from the list; the request still knows which element made it.
    var elt = e.detail.requestConfig && e.detail.requestConfig.elt;
    // A refused edit (422) comes back as the form with its error, to fix.
    var saved = elt && elt.classList && elt.classList.contains("message__edit") &&
      e.detail.xhr && e.detail.xhr.status >= 200 && e.detail.xhr.status < 300;
    var cancelled = elt && elt.classList && elt.classList.contains("message__edit-cancel");
    if (saved || cancelled) focusComposer();
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!form || form.id !== "composer" || !e.detail.successful) return;
    form.reset();
    form.querySelector("[name='message[client_message_id]']").value = newClientMessageID();
    form.querySelector("textarea").focus();
    pinned = true;
    scrollToEnd();
  });

  // Play a sound's clip on request, and the newest one as it arrives live.
  function play(container) {
    var audio = container && container.querySelector("audio");
    if (!audio) return;
    audio.currentTime = 0;
    var p = audio.play();
    if (p && p.catch) p.catch(function () { /* autoplay refused until the reader interacts */ });
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest(".sound__play");
    if (btn) play(btn.closest(".sound"));
  });
  // Only a sound message that arrives while the page is open plays, once:
  // not those already on the page, and not again when a boost or an edit
  // re-renders it.
  var heard = new Set();
  function noteSounds() {
    document.querySelectorAll("#messages .message").forEach(function (m) {
      if (m.querySelector(".sound")) heard.add(m.id);
    });
  }
  document.addEventListener("htmx:sseMessage", function (e) {
    if (!e.detail || e.detail.type !== "message") return;
    var list = messages();
    var last = list && list.lastElementChild;
    var sound = last && last.querySelector(".sound");
    if (sound && !heard.has(last.id)) {
      heard.add(last.id);
      play(sound);
    }
  });

  // Times are rendered in UTC, labelled so; show them in the reader's zone,
  // as what data-format says: a time of day (messages), a date, or both.
  var timeFormats = {
    time: function (d) { return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); },
    date: function (d) { return d.toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" }); },
    datetime: function (d) {
      return d.toLocaleString([], { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
    }
  };
  function localizeTimes(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("time[datetime][data-format]").forEach(function (t) {
      var format = timeFormats[t.dataset.format];
      if (t.dataset.local || !format) return;
      var d = new Date(t.getAttribute("datetime"));
      if (isNaN(d)) return;
      t.textContent = format(d);
      t.title = d.toLocaleString([], { dateStyle: "full", timeStyle: "long" });
      t.dataset.local = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    noteSounds();
    localizeTimes(document);
    if (document.getElementById("composer_body") && document.getElementById("composer_body").tagName === "TEXTAREA") focusOnArrival();
  });

  // The room opens ready to type: the composer's editor takes the focus when
  // it is ready, unless the reader is already somewhere, or on a touch
  // screen, where focus would pop up the keyboard over the conversation.
  function focusOnArrival() {
    var active = document.activeElement;
    if (active && active !== document.body && !active.closest("#composer")) return;
    if (window.matchMedia && matchMedia("(pointer: coarse)").matches) return;
    var field = document.querySelector("#composer trix-editor") || document.getElementById("composer_body");
    if (field) field.focus({ preventScroll: true });
  }
  document.addEventListener("trix-initialize", function (e) {
    if (e.target.closest && e.target.closest("#composer")) focusOnArrival();
  });
  document.addEventListener("htmx:load", function (e) { localizeTimes(e.detail.elt); });
})();
