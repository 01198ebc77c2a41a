// @mention helpers: where a mention is being typed, asking the server who
// matches, and the markup inserted for a chosen person.
import { escapeHTML } from "./html.js";

const MAX_QUERY = 40;

// mentionAt finds an @query being typed just before the caret: the "@" must
// start the text or follow whitespace or an opening bracket, and the query
// may hold single spaces (full names) but not line breaks or another "@".
// It returns { start, query } where start is the position of the "@".
export function mentionAt(text, caret) {
  const before = text.slice(Math.max(0, caret - MAX_QUERY - 1), caret);
  const m = /(^|[\s(\[])@([^@\n]*)$/u.exec(before);
  if (!m) return null;
  const query = m[2];
  if (query.length > MAX_QUERY || /^\s|\s\s/u.test(query)) return null;
  return { start: caret - query.length - 1, query };
}

// mentionHTML is the anchor the server recognises as a mention. Trix keeps
// its href and text (not data-mention), which the server accepts as well.
export function mentionHTML(person) {
  const id = escapeHTML(person.id);
  return '<a href="/users/' + id + '" data-mention="' + id + '">@' + escapeHTML(person.name) + "</a>";
}

// Autocomplete asks GET /autocompletable/users for the people of the room,
// keeping answers per query and dropping answers to stale queries.
export class Autocomplete {
  constructor(url) {
    this.url = url;
    this.cache = new Map();
    this.controller = null;
  }

  async people(query) {
    const key = query.toLowerCase();
    if (this.cache.has(key)) return this.cache.get(key);
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    const url = new URL(this.url, location.href);
    url.searchParams.set("query", query);
    const res = await fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: this.controller.signal,
    });
    if (!res.ok) throw new Error("autocomplete: " + res.status);
    const list = await res.json();
    const people = Array.isArray(list)
      ? list.filter((p) => p && p.id != null && typeof p.name === "string").slice(0, 20)
      : [];
    this.cache.set(key, people);
    return people;
  }
}
