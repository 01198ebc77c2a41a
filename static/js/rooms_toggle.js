// The room list on a phone, behind the header's Rooms toggle. Without
// scripts the toggle is a link to #sidebar, which CSS shows as the target;
// here it opens in place instead (the address keeps its message anchor),
// takes the focus, and closes with Escape, its close button or a tap beside
// it, giving the focus back to the toggle.
(function () {
  "use strict";

  function app() { return document.querySelector(".app"); }
  function sidebar() { return document.getElementById("sidebar"); }
  function toggle() { return document.querySelector("[data-rooms-toggle]"); }
  function isOpen() { var a = app(); return !!a && a.classList.contains("app--rooms-open"); }

  function open() {
    var a = app(), s = sidebar(), t = toggle();
    if (!a || !s) return;
    a.classList.add("app--rooms-open");
    if (t) t.setAttribute("aria-expanded", "true");
    var first = s.querySelector(".room-link.current, .room-link, a, button");
    if (first) first.focus();
  }

  function close() {
    var a = app(), t = toggle();
    if (!a || !isOpen()) return;
    a.classList.remove("app--rooms-open");
    if (t) {
      t.setAttribute("aria-expanded", "false");
      t.focus();
    }
  }

  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target : null;
    if (!el) return;
    if (el.closest("[data-rooms-toggle]")) {
      e.preventDefault();
      if (isOpen()) close(); else open();
    } else if (el.closest("[data-rooms-close]")) {
      e.preventDefault();
      close();
    } else if (isOpen() && !el.closest("#sidebar")) {
      close();
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && isOpen()) {
      e.preventDefault();
      close();
    }
  });

  function init() {
    var t = toggle();
    if (t) t.setAttribute("aria-expanded", "false");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
