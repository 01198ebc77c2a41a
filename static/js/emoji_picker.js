// A small emoji picker of our own: a grid of common emoji, opened from a
// boost menu's ☺ (to boost with one) or beside the composer (to insert one).
// Without scripts the buttons stay hidden: a boost's text field and the
// composer take typed emoji as they are.
(function () {
  "use strict";

  var EMOJI = [
    "😀", "😄", "😅", "😂", "🙂", "😉", "😍", "🥰",
    "😎", "🤔", "😮", "😢", "😭", "😡", "🥳", "😴",
    "👍", "👎", "👏", "🙌", "🙏", "👋", "💪", "🤝",
    "❤️", "🔥", "✨", "🎉", "🎈", "🚀", "⭐", "✅",
    "❌", "⚠️", "💡", "📌", "☕", "🍕", "🌮", "🦄"
  ];

  var picker = null;
  var opener = null;

  function close(refocus) {
    if (!picker) return;
    picker.remove();
    picker = null;
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      if (refocus) opener.focus();
    }
    opener = null;
  }

  function choose(emoji) {
    var from = opener;
    close(false);
    if (!from) return;
    if (from.dataset.emojiPicker === "boost") {
      var form = from.closest("form");
      var input = form && form.querySelector("input[name='boost[content]']");
      if (!input) return;
      input.value = emoji;
      form.requestSubmit();
      return;
    }
    var editor = document.querySelector("#composer trix-editor");
    if (editor && editor.editor) {
      editor.editor.insertString(emoji);
      editor.focus();
      return;
    }
    var area = document.getElementById("composer_body");
    if (area) {
      var at = area.selectionStart || area.value.length;
      area.value = area.value.slice(0, at) + emoji + area.value.slice(at);
      area.focus();
      area.setSelectionRange(at + emoji.length, at + emoji.length);
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function open(button) {
    close(false);
    opener = button;
    button.setAttribute("aria-expanded", "true");
    picker = document.createElement("div");
    picker.className = "emoji-picker";
    picker.setAttribute("role", "dialog");
    picker.setAttribute("aria-label", "Emoji");
    EMOJI.forEach(function (e) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = e;
      b.dataset.emoji = e;
      picker.appendChild(b);
    });
    document.body.appendChild(picker);
    // Beside the button, kept on screen.
    var r = button.getBoundingClientRect();
    var w = picker.offsetWidth, h = picker.offsetHeight;
    var left = Math.min(Math.max(8, r.right - w), window.innerWidth - w - 8);
    var top = r.top - h - 6 >= 8 ? r.top - h - 6 : Math.min(r.bottom + 6, window.innerHeight - h - 8);
    picker.style.left = left + "px";
    picker.style.top = top + "px";
    picker.querySelector("button").focus();
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t.closest) return;
    var choice = t.closest(".emoji-picker [data-emoji]");
    if (choice) {
      e.preventDefault();
      choose(choice.dataset.emoji);
      return;
    }
    var button = t.closest("[data-emoji-picker]");
    if (button) {
      e.preventDefault();
      if (opener === button) close(true); else open(button);
      return;
    }
    if (picker && !t.closest(".emoji-picker")) close(false);
  });

  // Escape closes; arrows move through the grid.
  document.addEventListener("keydown", function (e) {
    if (!picker) return;
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close(true);
      return;
    }
    var buttons = Array.prototype.slice.call(picker.querySelectorAll("button"));
    var i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    var step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 }[e.key];
    if (step) {
      e.preventDefault();
      buttons[(i + step + buttons.length) % buttons.length].focus();
    }
  }, true);

  function reveal(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("[data-emoji-picker][hidden]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("htmx:load", function (e) { reveal(e.detail && e.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  } else {
    reveal(document);
  }
})();
