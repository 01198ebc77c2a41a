// Small helpers for building HTML from text without trusting it.

export function escapeHTML(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// plainToHTML turns what was typed in the plain textarea (sent back with an
// error) into Trix's markup, keeping its line breaks.
export function plainToHTML(text) {
  return "<div>" + escapeHTML(text).replace(/\r?\n/g, "<br>") + "</div>";
}

// newClientMessageID makes the id under which a message is posted; posting
// the same id twice yields one message, which makes retries safe.
export function newClientMessageID() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// formatSize writes a byte count the way the server's file cards do.
export function formatSize(n) {
  if (n < 1024) return n + " bytes";
  let value = n;
  let unit = "";
  for (const u of ["KB", "MB", "GB", "TB"]) {
    value /= 1024;
    unit = u;
    if (value < 1024) break;
  }
  return value.toFixed(1).replace(/\.0$/, "") + " " + unit;
}
