// The pending copy of a message: shown in the timeline the moment it is sent,
// under the element id the server's copy will have (message_{client id}), so
// that whichever arrives first, the post's answer or the stream's event,
// takes its place (static/js/app.js swaps a pending element for the real one).
import { escapeHTML } from "./html.js";

const messages = () => document.getElementById("messages");

export function showPending({ clientMessageID, html, userID, userName }) {
  const list = messages();
  if (!list) return;
  let el = document.getElementById("message_" + clientMessageID);
  if (!el) {
    el = document.createElement("article");
    el.id = "message_" + clientMessageID;
    list.appendChild(el);
  } else if (!el.classList.contains("message--pending")) {
    return; // the server's copy is already here
  }
  el.className = "message message--pending";
  el.dataset.userId = userID;
  el.dataset.createdAt = String(Date.now());
  el.setAttribute("aria-busy", "true");
  // The HTML is what this person's own Trix editor serialized a moment ago;
  // it is shown only to them, and the server's sanitized copy replaces it.
  el.innerHTML =
    '<img class="message__avatar" alt="" width="36" height="36" src="/users/' + escapeHTML(userID) + '/avatar">' +
    '<header class="message__meta"><span class="message__author">' + escapeHTML(userName) + "</span>" +
    ' <span class="message__status" role="status">Sending…</span></header>' +
    '<div class="message__body">' + html + "</div>";
  el.scrollIntoView({ block: "end" });
}

// showFailed turns a pending message into a failed one with a retry button.
// retriable marks a failure of the connection or of a restarting server,
// which connection.js retries when the stream is back.
export function showFailed(clientMessageID, reason, retriable, retry, discard) {
  const el = document.getElementById("message_" + clientMessageID);
  if (!el || !el.classList.contains("message--pending")) return;
  el.classList.add("message--failed");
  if (retriable) el.dataset.retriable = "";
  el.removeAttribute("aria-busy");
  const status = el.querySelector(".message__status");
  status.textContent = "";
  status.setAttribute("role", "alert");
  const text = document.createElement("span");
  text.textContent = reason + " ";
  const again = document.createElement("button");
  again.type = "button";
  again.className = "btn message__retry";
  again.textContent = "Retry";
  again.addEventListener("click", retry, { once: true });
  const drop = document.createElement("button");
  drop.type = "button";
  drop.className = "btn message__discard";
  drop.textContent = "Discard";
  drop.addEventListener("click", () => { el.remove(); discard(); }, { once: true });
  status.append(text, again, " ", drop);
}

// retrying puts a failed message back into the pending state.
export function retrying(clientMessageID) {
  const el = document.getElementById("message_" + clientMessageID);
  if (!el) return;
  el.classList.remove("message--failed");
  delete el.dataset.retriable;
  el.setAttribute("aria-busy", "true");
  const status = el.querySelector(".message__status");
  if (status) {
    status.setAttribute("role", "status");
    status.textContent = "Sending…";
  }
}

export function removePending(clientMessageID) {
  const el = document.getElementById("message_" + clientMessageID);
  if (el && el.classList.contains("message--pending")) el.remove();
}

// accept puts the server's copy of a message (the htmx fragment the post
// answers) in place of the pending one, unless the stream got there first.
// It reports false when the answer holds no such message.
export function accept(clientMessageID, fragmentHTML) {
  const tpl = document.createElement("template");
  tpl.innerHTML = fragmentHTML;
  const real = tpl.content.querySelector("#message_" + CSS.escape(clientMessageID));
  const el = document.getElementById("message_" + clientMessageID);
  if (el && !el.classList.contains("message--pending")) return true; // the stream was first
  if (!real) return false;
  if (el) {
    el.replaceWith(real);
  } else if (messages()) {
    messages().appendChild(real);
  }
  if (window.htmx) window.htmx.process(real);
  return true;
}

// showUpload adds to a pending message the file on its way: a thumbnail of
// an image (or its name), a progress bar and a button that stops it.
export function showUpload(clientMessageID, file, dataURL, cancel) {
  const el = document.getElementById("message_" + clientMessageID);
  if (!el) return;
  const old = el.querySelector(".message__upload");
  if (old) old.remove();
  const box = document.createElement("div");
  box.className = "message__upload";
  if (dataURL) {
    const img = document.createElement("img");
    img.src = dataURL;
    img.alt = file.name;
    box.append(img);
  } else {
    const name = document.createElement("span");
    name.className = "attachment-card__name";
    name.textContent = file.name;
    box.append(name);
  }
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute("aria-label", "Uploading " + file.name);
  const stop = document.createElement("button");
  stop.type = "button";
  stop.className = "btn message__cancel";
  stop.textContent = "Cancel";
  stop.setAttribute("aria-label", "Cancel the upload of " + file.name);
  stop.addEventListener("click", cancel, { once: true });
  box.append(bar, stop);
  el.append(box);
}

// uploadProgress moves a pending upload's bar; done is a fraction.
export function uploadProgress(clientMessageID, done) {
  const el = document.getElementById("message_" + clientMessageID);
  const bar = el && el.querySelector(".message__upload progress");
  if (bar) bar.value = Math.round(done * 100);
}
