// The message menu's Reply, Quote and Copy link. Without scripts they are
// links: Reply and Quote open the room with the composer filled in by the
// server, Copy link opens the message's permalink (to copy from the
// address bar). Here they act in place.
(function () {
  "use strict";

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // A short note for screen readers and eyes, then gone.
  var toastTimer = 0;
  function toast(text) {
    var el = document.getElementById("app_toast");
    if (!el) {
      el = document.createElement("p");
      el.id = "app_toast";
      el.className = "app-toast";
      el.setAttribute("role", "status");
      document.body.appendChild(el);
    }
    el.textContent = text;
    el.classList.add("app-toast--shown");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      el.classList.remove("app-toast--shown");
      el.textContent = "";
    }, 3000);
  }

  // Puts HTML (or, for a plain textarea composer, text) at the end of the
  // composer and focuses it.
  function insertIntoComposer(html, text, after) {
    var editor = document.querySelector("#composer trix-editor");
    if (editor && editor.editor) {
      var ed = editor.editor;
      var length = ed.getDocument().getLength();
      ed.setSelectedRange(Math.max(length - 1, 0));
      ed.insertHTML(html);
      if (after) ed.insertString(after);
      editor.focus();
      return true;
    }
    var area = document.getElementById("composer_body");
    if (area && area.tagName === "TEXTAREA") {
      area.value = area.value + text;
      area.focus();
      area.setSelectionRange(area.value.length, area.value.length);
      area.dispatchEvent(new Event("input", { bubbles: true }));
      return true;
    }
    return false;
  }

  function closeMenu(el) {
    var menu = el.closest("details");
    if (menu) menu.open = false;
  }

  function messageText(article) {
    var body = article && article.querySelector(".message__body");
    if (!body) return "";
    var sound = body.querySelector(".sound__caption");
    return (sound ? sound.textContent : body.innerText || body.textContent).trim();
  }

  function reply(link) {
    var id = link.dataset.authorId, name = link.dataset.authorName || "";
    var mention = '<a href="/users/' + esc(id) + '" data-mention="' + esc(id) + '">@' + esc(name) + "</a>";
    return insertIntoComposer(mention, "@" + name + " ", " ");
  }

  function quote(link) {
    var text = messageText(link.closest(".message"));
    var name = link.dataset.authorName || "";
    var lines = text.split(/\n+/).map(esc).join("<br>");
    var html = "<blockquote><strong>" + esc(name) + ":</strong> " + lines + "</blockquote><div><br></div>";
    return insertIntoComposer(html, "> " + name + ": " + text.replace(/\n/g, "\n> ") + "\n\n");
  }

  // copy puts text on the clipboard and says so (or that it could not).
  function copy(text, said) {
    var done = function () { toast(said); };
    var failed = function () { toast("Could not copy"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { if (copyByHand(text)) done(); else failed(); });
    } else if (copyByHand(text)) {
      done();
    } else {
      failed();
    }
  }
  // The other copy buttons of the app (page_tools.js) use it too.
  window.Campfire = window.Campfire || {};
  window.Campfire.copy = copy;

  function copyLink(link) {
    copy(new URL(link.getAttribute("href"), location.href).href, "Link copied");
  }

  // For browsers without the asynchronous clipboard (or that refuse it).
  function copyByHand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-reply], [data-quote], [data-copy-link]");
    if (!link) return;
    var handled;
    if (link.hasAttribute("data-copy-link")) {
      copyLink(link);
      handled = true;
    } else {
      handled = link.hasAttribute("data-reply") ? reply(link) : quote(link);
    }
    if (handled) {
      e.preventDefault();
      closeMenu(link);
    }
  });
})();
