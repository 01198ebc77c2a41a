import { useCallback, useEffect, useRef, useState } from "react";
import { Autocomplete, mentionAt, mentionHTML } from "./mentions.js";
import { newClientMessageID } from "./html.js";
import { accept, removePending, retrying, showFailed, showPending } from "./pending.js";

const COMING_SOON = "File attachments are coming soon.";

// Composer wraps a Trix editor in the message form. Enter sends and
// Shift+Enter breaks the line; the message appears at once as pending and
// is replaced by the server's copy, or offers a retry when the post fails.
export function Composer(props) {
  const { action, autocompleteURL, userID, userName, initialHTML, initialError } = props;
  // host holds what Trix builds (toolbar and editor), outside React's reach.
  const host = useRef(null);
  const input = useRef(null);
  const editorEl = useRef(null);
  const [clientMessageID, setClientMessageID] = useState(props.clientMessageID || newClientMessageID());
  const [error, setError] = useState(initialError);
  const [toast, setToast] = useState("");
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

  // post sends one message and settles its pending copy.
  const post = useCallback(async (cmid, html) => {
    const body = new URLSearchParams();
    body.set("message[body]", html);
    body.set("message[client_message_id]", cmid);
    let res;
    try {
      res = await fetch(action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "HX-Request": "true", Accept: "text/html" },
      });
    } catch {
      fail(cmid, html, "Not sent: no connection.");
      return;
    }
    const text = await res.text().catch(() => "");
    if (res.ok) {
      const redirect = res.headers.get("HX-Redirect");
      if (redirect) {
        location.assign(redirect);
      } else if (!accept(cmid, text)) {
        fail(cmid, html, "Not sent: the server gave an unexpected answer.");
      }
      return;
    }
    if (res.status === 422) {
      // The server refused the content itself (empty, too long): retrying
      // cannot help, so the text goes back into the editor with the reason.
      removePending(cmid);
      const tpl = document.createElement("template");
      tpl.innerHTML = text;
      const reason = tpl.content.querySelector("#composer_error");
      setError(reason ? reason.textContent : "The message could not be sent.");
      const ed = editor();
      if (ed && ed.getDocument().toString().trim() === "") ed.loadHTML(html);
      return;
    }
    const reason = res.status === 401 ? "Not sent: you are signed out. Reload to sign in." :
      res.status === 413 ? "Not sent: too large." :
      res.status === 403 || res.status === 404 ? "Not sent: you can no longer post here." :
      res.status === 429 ? "Not sent: too many messages, wait a moment." : "Not sent: the server had a problem.";
    fail(cmid, html, reason);
  }, [action]);

  const fail = (cmid, html, reason) => {
    showFailed(cmid, reason, () => {
      retrying(cmid);
      post(cmid, html);
    }, () => editorEl.current && editorEl.current.focus());
  };

  const send = useCallback(() => {
    const ed = editor();
    if (!ed || !input.current) return;
    if (ed.getDocument().toString().trim() === "") return;
    const html = input.current.value;
    const cmid = cmidRef.current;
    setError("");
    setMention(null);
    showPending({ clientMessageID: cmid, html, userID, userName });
    setClientMessageID(newClientMessageID());
    ed.loadHTML("");
    editorEl.current.focus();
    post(cmid, html);
  }, [post, userID, userName]);

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
    const noFiles = (e) => {
      e.preventDefault();
      flash(COMING_SOON);
    };
    el.addEventListener("trix-change", onChange);
    el.addEventListener("trix-selection-change", onChange);
    el.addEventListener("trix-file-accept", noFiles);
    host.current.appendChild(el);
    return () => {
      el.removeEventListener("trix-change", onChange);
      el.removeEventListener("trix-selection-change", onChange);
      el.removeEventListener("trix-file-accept", noFiles);
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
    // Trix's attach button would open a file picker: files are not supported yet.
    const onAttach = (e) => {
      if (!e.target.closest || !e.target.closest('[data-trix-action="attachFiles"]')) return;
      e.preventDefault();
      e.stopPropagation();
      if (e.type === "click") flash(COMING_SOON);
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
    return () => {
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
      className="composer composer--rich"
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
