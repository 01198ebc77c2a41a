import { useCallback, useEffect, useRef, useState } from "react";
import { Autocomplete, mentionAt, mentionHTML } from "./mentions.js";
import { formatSize, newClientMessageID } from "./html.js";
import { accept, removePending, retrying, showFailed, showPending, showUpload, uploadProgress } from "./pending.js";

// Images smaller than this are shown before sending; larger ones by name.
const PREVIEW_LIMIT = 10 << 20;

// Composer wraps a Trix editor in the message form. Enter sends and
// Shift+Enter breaks the line; the message appears at once as pending and
// is replaced by the server's copy, or offers a retry when the post fails.
// Files (picked, pasted or dropped) wait under the editor with a preview and
// go with the next message, each file its own message as in Campfire; the
// first carries the text. They upload with a progress bar and can be stopped.
export function Composer(props) {
  const { action, autocompleteURL, userID, userName, initialHTML, initialError, maxUpload } = props;
  // host holds what Trix builds (toolbar and editor), outside React's reach.
  const host = useRef(null);
  const input = useRef(null);
  const editorEl = useRef(null);
  const [clientMessageID, setClientMessageID] = useState(props.clientMessageID || newClientMessageID());
  const [error, setError] = useState(initialError);
  const [toast, setToast] = useState("");
  const [files, setFiles] = useState([]); // [{ key, file, dataURL }] for the next message
  const filesRef = useRef(files);
  filesRef.current = files;
  const fileInput = useRef(null);
  const [dragging, setDragging] = useState(false);
  const [mention, setMention] = useState(null); // { start, query, people, active }
  const mentionRef = useRef(null);
  mentionRef.current = mention;
  const cmidRef = useRef(clientMessageID);
  cmidRef.current = clientMessageID;
  const autocomplete = useRef(null);
  if (!autocomplete.current && autocompleteURL) autocomplete.current = new Autocomplete(autocompleteURL);

  const editor = () => editorEl.current && editorEl.current.editor;

  const toastTimer = useRef(0);
  const flash = useCallback((text) => {
    setToast(text);
    clearTimeout(toastTimer.current);
    toastTimer.current = setTimeout(() => setToast(""), 4000);
  }, []);

  // settle handles the server's answer to a post: the message takes its
  // pending copy's place, or the reason it was refused is shown.
  const settle = (cmid, html, status, text, redirect, again) => {
    if (status >= 200 && status < 300) {
      if (redirect) {
        location.assign(redirect);
      } else if (!accept(cmid, text)) {
        fail(cmid, "Not sent: the server gave an unexpected answer.", again);
      }
      return;
    }
    if (status === 422) {
      // The server refused the content itself (empty, too long, a file it
      // cannot take): retrying cannot help, so the text goes back into the
      // editor with the reason.
      removePending(cmid);
      const tpl = document.createElement("template");
      tpl.innerHTML = text;
      const reason = tpl.content.querySelector("#composer_error");
      setError(reason ? reason.textContent : "The message could not be sent.");
      const ed = editor();
      if (html && ed && ed.getDocument().toString().trim() === "") ed.loadHTML(html);
      return;
    }
    const reason = status === 401 ? "Not sent: you are signed out. Reload to sign in." :
      status === 413 ? (text && text.length < 200 && !text.includes("<") ? "Not sent: " + text : "Not sent: too large.") :
      status === 403 || status === 404 ? "Not sent: you can no longer post here." :
      status === 429 ? "Not sent: too many messages, wait a moment." : "Not sent: the server had a problem.";
    // What a restarting server answers (a proxy's 502 or 503) is tried again
    // when the stream is back; a refusal is not.
    fail(cmid, reason, again, status >= 500);
  };

  // post sends one message without a file and settles its pending copy.
  const post = useCallback(async (cmid, html) => {
    const body = new URLSearchParams();
    body.set("message[body]", html);
    body.set("message[client_message_id]", cmid);
    const again = () => post(cmid, html);
    let res;
    try {
      res = await fetch(action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "HX-Request": "true", Accept: "text/html" },
      });
    } catch {
      fail(cmid, "Not sent: no connection.", again, true);
      return;
    }
    const text = await res.text().catch(() => "");
    settle(cmid, html, res.status, text, res.headers.get("HX-Redirect"), again);
  }, [action]);

  // upload sends a message with its file over XHR, whose upload events
  // drive the progress bar; Cancel aborts it and drops the message.
  const upload = useCallback((cmid, html, chosen) => {
    const form = new FormData();
    form.set("message[body]", html);
    form.set("message[client_message_id]", cmid);
    form.set("message[attachment]", chosen.file, chosen.file.name);
    const xhr = new XMLHttpRequest();
    const again = () => upload(cmid, html, chosen);
    showUpload(cmid, chosen.file, chosen.dataURL, () => xhr.abort());
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) uploadProgress(cmid, e.loaded / e.total);
    });
    xhr.addEventListener("load", () => {
      settle(cmid, html, xhr.status, xhr.responseText, xhr.getResponseHeader("HX-Redirect"), again);
    });
    xhr.addEventListener("error", () => fail(cmid, "Not sent: no connection.", again, true));
    xhr.addEventListener("abort", () => {
      removePending(cmid);
      flash("Stopped sending " + chosen.file.name + ".");
    });
    xhr.open("POST", action);
    xhr.setRequestHeader("HX-Request", "true");
    xhr.setRequestHeader("Accept", "text/html");
    xhr.send(form);
  }, [action]);

  const fail = (cmid, reason, again, retriable = false) => {
    showFailed(cmid, reason, retriable, () => {
      retrying(cmid);
      again();
    }, () => editorEl.current && editorEl.current.focus());
  };

  // addFiles takes files for the next message, refusing at once what the
  // server would refuse for its size.
  const addFiles = useCallback((list) => {
    const taken = [];
    for (const file of list) {
      if (file.size === 0) {
        flash(file.name + " is empty.");
      } else if (maxUpload && file.size > maxUpload) {
        flash(file.name + " is too large: the most this server takes is " + formatSize(maxUpload) + ".");
      } else {
        taken.push({ key: newClientMessageID(), file, dataURL: "" });
      }
    }
    if (taken.length === 0) return;
    setFiles((prev) => [...prev, ...taken]);
    for (const t of taken) {
      if (!/^image\/(png|jpeg|gif|webp)$/.test(t.file.type) || t.file.size > PREVIEW_LIMIT) continue;
      // A data: URL, which the page's content policy allows for images.
      const reader = new FileReader();
      reader.onload = () => setFiles((prev) => prev.map((f) => (f.key === t.key ? { ...f, dataURL: reader.result } : f)));
      reader.readAsDataURL(t.file);
    }
  }, [flash, maxUpload]);

  const removeFile = (key) => setFiles((prev) => prev.filter((f) => f.key !== key));

  const send = useCallback(() => {
    const ed = editor();
    if (!ed || !input.current) return;
    const empty = ed.getDocument().toString().trim() === "";
    const chosen = filesRef.current;
    if (empty && chosen.length === 0) return;
    const html = empty ? "" : input.current.value;
    const cmid = cmidRef.current;
    setError("");
    setMention(null);
    setClientMessageID(newClientMessageID());
    ed.loadHTML("");
    editorEl.current.focus();
    if (chosen.length === 0) {
      showPending({ clientMessageID: cmid, html, userID, userName });
      post(cmid, html);
      return;
    }
    setFiles([]);
    chosen.forEach((c, i) => {
      const id = i === 0 ? cmid : newClientMessageID();
      const body = i === 0 ? html : "";
      showPending({ clientMessageID: id, html: body, userID, userName });
      upload(id, body, c);
    });
  }, [post, upload, userID, userName]);

  const choose = useCallback((person) => {
    const ed = editor();
    const m = mentionRef.current;
    if (!ed || !m) return;
    const caret = ed.getSelectedRange()[1];
    ed.setSelectedRange([m.start, caret]);
    ed.insertHTML(mentionHTML(person));
    ed.insertString(" ");
    setMention(null);
  }, []);

  // lookForMention opens, updates or closes the people list as the text
  // around the caret changes.
  const lookForMention = useCallback(async () => {
    const ed = editor();
    if (!ed || !autocomplete.current) return;
    const [from, to] = ed.getSelectedRange();
    let found = from === to ? mentionAt(ed.getDocument().toString(), to) : null;
    // The "@" of a mention already made is part of its link: typing on after
    // it is not a new query.
    if (found && ed.getDocument().getCommonAttributesAtRange([found.start, found.start + 1]).href) found = null;
    if (!found) {
      setMention(null);
      return;
    }
    let people;
    try {
      people = await autocomplete.current.people(found.query);
    } catch {
      return; // superseded or offline: keep what is shown
    }
    // Only the answer to the text as it is now is shown.
    const [nowFrom, nowTo] = ed.getSelectedRange();
    const still = nowFrom === nowTo ? mentionAt(ed.getDocument().toString(), nowTo) : null;
    if (!still || still.query !== found.query) return;
    if (people.length === 0 && /\s/.test(found.query)) {
      setMention(null);
      return;
    }
    setMention((prev) => ({
      ...found,
      people,
      active: prev && prev.query === found.query ? Math.min(prev.active, Math.max(people.length - 1, 0)) : 0,
    }));
  }, []);

  const addFilesRef = useRef(addFiles);
  addFilesRef.current = addFiles;

  // Trix is created by hand, once: React must never re-render its DOM.
  useEffect(() => {
    // Set by hand, not as a React prop: React would reset a hidden input's
    // value to its prop on every render, wiping what Trix wrote there.
    input.current.value = initialHTML;
    const el = document.createElement("trix-editor");
    el.id = "composer_body"; // the id the plain textarea had: scripts and tests find the composer by it
    el.className = "composer__editor trix-content";
    el.setAttribute("input", input.current.id);
    el.setAttribute("placeholder", "Write a message…");
    el.setAttribute("aria-label", "Message");
    editorEl.current = el;

    const onChange = () => lookForMention();
    // Files never go inside Trix's document: they wait beside it and are
    // sent as the message's attachment.
    const takeFile = (e) => {
      e.preventDefault();
      if (e.file) addFilesRef.current([e.file]);
    };
    el.addEventListener("trix-change", onChange);
    el.addEventListener("trix-selection-change", onChange);
    el.addEventListener("trix-file-accept", takeFile);
    host.current.appendChild(el);
    return () => {
      el.removeEventListener("trix-change", onChange);
      el.removeEventListener("trix-selection-change", onChange);
      el.removeEventListener("trix-file-accept", takeFile);
      el.remove();
    };
  }, []);

  // Keys are caught before Trix sees them (capture on an ancestor).
  useEffect(() => {
    const h = host.current;
    const onKey = (e) => {
      if (e.target !== editorEl.current || e.isComposing) return;
      const m = mentionRef.current;
      if (m && m.people.length > 0) {
        const n = m.people.length;
        switch (e.key) {
          case "ArrowDown":
          case "ArrowUp":
            e.preventDefault();
            e.stopPropagation();
            setMention({ ...m, active: (m.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n });
            return;
          case "Enter":
          case "Tab":
            e.preventDefault();
            e.stopPropagation();
            choose(m.people[m.active]);
            return;
          case "Escape":
            e.preventDefault();
            e.stopPropagation();
            setMention(null);
            return;
        }
      }
      if (e.key === "Enter" && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        e.stopPropagation();
        // Trix renders typed text into its hidden input on the next frame;
        // sending after it means fast typing's last keys are not lost.
        requestAnimationFrame(() => setTimeout(send, 0));
      }
    };
    // Trix's attach button opens our file input, the one labelled control
    // that picks files (and that keyboard and screen reader users reach).
    const onAttach = (e) => {
      if (!e.target.closest || !e.target.closest('[data-trix-action="attachFiles"]')) return;
      e.preventDefault();
      e.stopPropagation();
      if (e.type === "click" && fileInput.current) fileInput.current.click();
    };
    // Files pasted or dropped anywhere on the composer are taken before
    // Trix sees them.
    const filesOf = (dt) => (dt && dt.files && dt.files.length > 0 ? Array.from(dt.files) : null);
    const onPaste = (e) => {
      const list = filesOf(e.clipboardData);
      if (!list) return;
      e.preventDefault();
      e.stopPropagation();
      addFilesRef.current(list);
    };
    const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
    const onDragOver = (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.stopPropagation();
      setDragging(true);
    };
    const onDragLeave = (e) => {
      if (!h.contains(e.relatedTarget)) setDragging(false);
    };
    const onDrop = (e) => {
      setDragging(false);
      const list = filesOf(e.dataTransfer);
      if (!list) return;
      e.preventDefault();
      e.stopPropagation();
      addFilesRef.current(list);
    };
    // Enter's keydown was handled above; what a browser may still send after
    // it (a keypress, or beforeinput for a new paragraph) must not reach Trix,
    // or the emptied editor would start with a blank line. Shift+Enter is an
    // insertLineBreak and passes.
    const swallowEnter = (e) => {
      if (e.target !== editorEl.current) return;
      const enter = e.type === "keypress" ? e.key === "Enter" && !e.shiftKey : e.inputType === "insertParagraph";
      if (enter) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    h.addEventListener("keydown", onKey, true);
    h.addEventListener("keypress", swallowEnter, true);
    h.addEventListener("beforeinput", swallowEnter, true);
    h.addEventListener("mousedown", onAttach, true);
    h.addEventListener("click", onAttach, true);
    h.addEventListener("paste", onPaste, true);
    h.addEventListener("dragover", onDragOver, true);
    h.addEventListener("dragleave", onDragLeave, true);
    h.addEventListener("drop", onDrop, true);
    return () => {
      h.removeEventListener("paste", onPaste, true);
      h.removeEventListener("dragover", onDragOver, true);
      h.removeEventListener("dragleave", onDragLeave, true);
      h.removeEventListener("drop", onDrop, true);
      h.removeEventListener("keydown", onKey, true);
      h.removeEventListener("keypress", swallowEnter, true);
      h.removeEventListener("beforeinput", swallowEnter, true);
      h.removeEventListener("mousedown", onAttach, true);
      h.removeEventListener("click", onAttach, true);
    };
  }, [send, choose, flash]);

  // The editor tells assistive technology which person is highlighted.
  // (Trix's editor is a textbox, which may not carry aria-expanded.)
  useEffect(() => {
    const el = editorEl.current;
    if (!el) return;
    const open = mention && mention.people.length > 0;
    // The list exists only while open, so it is named only then.
    if (open) {
      el.setAttribute("aria-controls", "composer_mentions");
      el.setAttribute("aria-activedescendant", "composer_mention_" + mention.active);
    } else {
      el.removeAttribute("aria-controls");
      el.removeAttribute("aria-activedescendant");
    }
  }, [mention]);

  const open = mention && mention.people.length > 0;
  return (
    <form
      id="composer"
      className={"composer composer--rich" + (dragging ? " composer--dragging" : "")}
      action={action}
      method="post"
      aria-label="Write a message"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <input
        type="hidden"
        id="composer_body_input"
        name="message[body]"
        ref={input}
      />
      <input type="hidden" name="message[client_message_id]" value={clientMessageID} />
      <div className="composer__field">
        <div className="composer__trix" ref={host} />
        {open && (
          <ul id="composer_mentions" className="mentions" role="listbox" aria-label="People in this room">
            {mention.people.map((p, i) => (
              <li
                key={p.id}
                id={"composer_mention_" + i}
                role="option"
                aria-selected={i === mention.active}
                className={"mentions__person" + (i === mention.active ? " mentions__person--active" : "")}
                onMouseDown={(e) => {
                  e.preventDefault(); // keep the editor's focus and caret
                  choose(p);
                }}
              >
                {p.avatar_url && <img src={p.avatar_url} alt="" width="24" height="24" />}
                <span>{p.name}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <input
        id="composer_file"
        ref={fileInput}
        type="file"
        multiple
        className="composer__file visually-hidden"
        onChange={(e) => {
          addFiles(Array.from(e.target.files || []));
          e.target.value = "";
        }}
      />
      <label className="btn composer__attach-button" htmlFor="composer_file" title="Attach files">
        <span aria-hidden="true">📎</span>
        <span className="visually-hidden">Attach files</span>
      </label>
      {files.length > 0 && (
        <ul className="composer__files" aria-label="Files to send">
          {files.map((f) => (
            <li key={f.key} className="composer__file-chip">
              {f.dataURL && <img src={f.dataURL} alt="" />}
              <span className="attachment-card__name">{f.file.name}</span>
              <span className="attachment-card__size">{formatSize(f.file.size)}</span>
              <button
                type="button"
                className="btn btn--icon composer__file-remove"
                aria-label={"Remove " + f.file.name}
                onClick={() => removeFile(f.key)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="submit" name="send" className="btn btn--primary composer__send">
        Send
      </button>
      {error && (
        <p id="composer_error" className="field-error" role="alert">
          {error}
        </p>
      )}
      <p className="composer__toast" role="status" aria-live="polite">
        {toast}
      </p>
    </form>
  );
}
