// The message list's reading aids, computed in the browser because they
// depend on the reader's time zone and on neighbours a single broadcast
// message cannot know: a day heading before the first message of each day,
// and consecutive messages by one person within five minutes grouped under
// one name. Without scripts the list is still complete, just plainer.
(function () {
  "use strict";

  var GROUP_WINDOW_MS = 5 * 60 * 1000;

  function dayKey(d) {
    return d.getFullYear() + "-" + d.getMonth() + "-" + d.getDate();
  }

  function dayLabel(d) {
    var today = new Date();
    var yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    if (dayKey(d) === dayKey(today)) return "Today";
    if (dayKey(d) === dayKey(yesterday)) return "Yesterday";
    var opts = { weekday: "long", month: "long", day: "numeric" };
    if (d.getFullYear() !== today.getFullYear()) opts.year = "numeric";
    return d.toLocaleDateString([], opts);
  }

  function toggle(el, cls, on) {
    if (el.classList.contains(cls) !== on) el.classList.toggle(cls, on);
  }

  function arrange(list) {
    var prev = null;
    var prevTime = 0;
    for (var el = list.firstElementChild; el; el = el.nextElementSibling) {
      if (!el.classList.contains("message")) continue;
      var t = Number(el.dataset.createdAt) || Date.now();
      var d = new Date(t);
      var newDay = !prev || dayKey(d) !== dayKey(new Date(prevTime));
      toggle(el, "message--new-day", newDay);
      if (newDay) {
        var label = dayLabel(d);
        if (el.dataset.day !== label) el.dataset.day = label;
      }
      toggle(el, "message--grouped", !newDay &&
        prev.dataset.userId === el.dataset.userId &&
        t - prevTime >= 0 && t - prevTime < GROUP_WINDOW_MS &&
        !prev.classList.contains("message--failed"));
      prev = el;
      prevTime = t;
    }
    list.querySelectorAll("time[datetime]:not([data-local])").forEach(function (time) {
      var when = new Date(time.getAttribute("datetime"));
      if (isNaN(when)) return;
      time.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      time.title = when.toLocaleString([], { dateStyle: "full", timeStyle: "long" });
      time.dataset.local = "1";
    });
  }

  // One pass per frame however many messages arrive: appends, replaces and
  // removals from the stream, pending copies, pages of older messages.
  function watch(list) {
    var queued = false;
    var schedule = function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () {
        queued = false;
        arrange(list);
      });
    };
    new MutationObserver(schedule).observe(list, { childList: true });
    arrange(list);
  }

  function start() {
    var list = document.getElementById("messages");
    if (list) watch(list);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
