// Where the room's page opens and how it grows: at the newest messages, or
// centred on the message a permalink names; older pages load above as the
// reader scrolls up (keeping their place), newer ones below; live messages
// join the list only when it reaches the newest, else a bar offers a jump
// there. The server renders the pagers as links; without scripts they are
// the way through the room.
(function () {
  "use strict";

  var list = document.getElementById("messages");
  if (!list) return;
  var scroller = document.scrollingElement || document.documentElement;

  function latestShown() { return !document.getElementById("pager_newer"); }
  function fromPager(e) {
    var cfg = e.detail && e.detail.requestConfig;
    return !!(cfg && cfg.elt && cfg.elt.closest && cfg.elt.closest(".pager"));
  }

  // This runs as a deferred script, before htmx sets up the pagers, so a
  // pager that scrolls out of view here does not load at once.
  function place() {
    var focus = list.dataset.focus && list.querySelector('.message[data-message-id="' + list.dataset.focus + '"]');
    var target = location.hash.length > 1 && location.hash !== "#latest" && document.getElementById(location.hash.slice(1));
    var at = focus || (target && list.contains(target) ? target : null);
    if (at) {
      at.scrollIntoView({ block: "center" });
    } else if (latestShown()) {
      scroller.scrollTop = scroller.scrollHeight;
    }
  }
  place();
  // The browser scrolls to a link's #fragment as the page finishes loading,
  // which puts the message at the top; the middle is where it belongs.
  window.addEventListener("load", function () {
    if (scroller.scrollTop > 0 || list.dataset.focus) place();
  }, { once: true });

  // An older page goes in above: the message that was first stays where the
  // reader sees it (whatever the browser's own scroll anchoring did).
  // The next pager comes in before the messages do, and finds itself in
  // view for a moment; what it asks for then is asked again once the page
  // is in place, if it is still in view.
  var anchor = null;
  var swapping = false;
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target !== list || !fromPager(e)) return;
    swapping = true;
    var first = list.querySelector(".message");
    anchor = first ? { el: first, top: first.getBoundingClientRect().top } : null;
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target !== list || !fromPager(e)) return;
    // messages.js regroups the list in the next frame (a day heading may
    // go from the old first message); measure after it, before painting.
    queueMicrotask(function () { requestAnimationFrame(settle); });
  });
  function settle() {
    if (anchor && anchor.el.isConnected) {
      window.scrollBy(0, anchor.el.getBoundingClientRect().top - anchor.top);
    }
    anchor = null;
    swapping = false;
    list.removeAttribute("aria-busy");
    if (latestShown()) caughtUp();
    // htmx looks at revealed triggers again after a scroll.
    window.dispatchEvent(new Event("scroll"));
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (!fromPager(e)) return;
    if (swapping) {
      e.preventDefault();
      e.detail.elt.removeAttribute("data-hx-revealed");
      return;
    }
    // The log announces additions; a page of history is not news.
    list.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (fromPager(e) && !e.detail.successful) list.removeAttribute("aria-busy");
  });

  // A live message below an older page would leave a gap: it waits, hidden,
  // and the bar says it is there. Those held back keep their ids in the
  // page, so a later edit or deletion of one finds it and applies; one
  // posted after the last page was read from the server but before it
  // arrived is in no page, and joins the list when the newest page is shown.
  var jump = document.getElementById("jump_latest") || document.createElement("div");
  var held = document.createElement("div");
  held.id = "held_messages";
  held.hidden = true;
  list.after(held);
  function caughtUp() {
    jump.textContent = "";
    Array.prototype.slice.call(held.children).forEach(function (m) {
      var shown = list.querySelector("#" + CSS.escape(m.id));
      if (shown && shown !== m) m.remove();
      else list.appendChild(m);
    });
  }
  document.addEventListener("htmx:partialBeforeSwap", function (e) {
    if (e.detail.target !== list || latestShown() || !e.detail.shouldSwap) return;
    e.detail.target = held;
    if (jump.firstChild) return;
    var a = document.createElement("a");
    a.href = jump.dataset.href;
    a.textContent = "New messages below — jump to latest";
    jump.appendChild(a);
  });

  // A message sent from an older page belongs at the end of the room: once
  // the server has it (its copy takes the pending one's place), the newest
  // page opens, where it is last. A message that fails stays, with its
  // Retry, where it was sent.
  var sending = {};
  new MutationObserver(function (records) {
    records.forEach(function (r) {
      Array.prototype.forEach.call(r.addedNodes, function (n) {
        if (n.nodeType !== 1 || !n.classList.contains("message")) return;
        if (n.classList.contains("message--pending")) {
          sending[n.id] = true;
        } else if (sending[n.id]) {
          delete sending[n.id];
          if (!latestShown()) location.assign(jump.dataset.href || location.pathname);
        }
      });
    });
  }).observe(list, { childList: true });
})();
