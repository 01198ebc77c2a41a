// The composer island. The server renders a plain <form> with a <textarea>
// that works without scripts; when Trix and this bundle load, the form is
// swapped for the React composer below, which posts with fetch, shows the
// message at once as pending, and offers @mentions.
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
  };
  const host = document.createElement("div");
  host.dataset.composerIsland = "";
  host.className = "composer-island";
  form.replaceWith(host);
  createRoot(host).render(<Composer {...props} />);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mount);
} else {
  mount();
}
