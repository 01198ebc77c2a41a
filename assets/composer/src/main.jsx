// The composer island. The server renders a plain <form> with a <textarea>
// and a file input that work without scripts; when Trix and this bundle
// load, the form is swapped for the React composer below, which posts with
// fetch (files with XHR, for upload progress), shows the message at once as
// pending, offers @mentions, and takes files picked, pasted or dropped.
import { createRoot } from "react-dom/client";
import { Composer } from "./Composer.jsx";
import { plainToHTML } from "./html.js";

function mount() {
  const form = document.getElementById("composer");
  if (!form || !window.Trix || form.closest("[data-composer-island]")) return;
  const meta = document.querySelector('meta[name="current-user-id"]');
  const textarea = form.querySelector("textarea");
  const error = form.querySelector("#composer_error");
  const props = {
    action: form.getAttribute("action"),
    autocompleteURL: form.dataset.autocompleteUrl || "",
    userID: meta ? meta.content : "",
    userName: form.dataset.userName || "You",
    initialHTML: textarea && textarea.value.trim() ? plainToHTML(textarea.value) : "",
    initialError: error ? error.textContent : "",
    clientMessageID: (form.querySelector('[name="message[client_message_id]"]') || {}).value || "",
    maxUpload: Number(form.dataset.maxUpload) || 0,
  };
  const host = document.createElement("div");
  host.dataset.composerIsland = "";
  host.className = "composer-island";
  form.replaceWith(host);
  createRoot(host).render(<Composer {...props} />);
}

// mountEditors turns other rich-text fields (the edit form of a message, on
// its page or swapped into the room) into Trix editors: the textarea gives
// way to a hidden input of the same name that Trix keeps filled with its
// HTML. No React is needed there. A field marked autofocus gets the focus,
// with the cursor after its text.
function mountEditors(root) {
  if (!window.Trix || !root || !root.querySelectorAll) return;
  root.querySelectorAll("textarea[data-rich-editor]").forEach((textarea) => {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = textarea.name;
    input.id = textarea.id + "_input";
    input.value = textarea.dataset.richHtml || (textarea.value.trim() ? plainToHTML(textarea.value) : "");
    const editor = document.createElement("trix-editor");
    editor.id = textarea.id;
    editor.className = "composer__editor trix-content";
    editor.setAttribute("input", input.id);
    editor.setAttribute("aria-label", "Message");
    for (const attr of ["aria-invalid", "aria-describedby"]) {
      if (textarea.hasAttribute(attr)) editor.setAttribute(attr, textarea.getAttribute(attr));
    }
    editor.addEventListener("trix-file-accept", (e) => e.preventDefault());
    if (textarea.autofocus) {
      editor.addEventListener("trix-initialize", () => {
        editor.focus();
        const length = editor.editor.getDocument().getLength();
        editor.editor.setSelectedRange(Math.max(length - 1, 0));
      }, { once: true });
    }
    textarea.replaceWith(input, editor);
  });
}

function start() {
  mount();
  mountEditors(document);
  // Edit forms htmx swaps into the room later.
  document.addEventListener("htmx:load", (e) => mountEditors(e.detail && e.detail.elt));
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
