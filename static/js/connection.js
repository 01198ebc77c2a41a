// The room's connection, said out loud: when its event stream has been down
// for a few seconds, a status line says so and that what is sent meanwhile
// is kept; when the stream is back, messages that could not be sent are
// sent again (the composer keeps each as a failed copy with a Retry button).
(function () {
  "use strict";

  var status = document.getElementById("connection_status");
  if (!status) return;
  var DOWN_FOR = 3000; // a reconnect usually takes less; say nothing then
  var downSince = 0;
  var offline = false;
  var clearTimer = 0;

  function streamOpen() {
    var el = document.getElementById("stream");
    var data = el && el["htmx-internal-data"];
    var src = data && data.sseEventSource;
    return !!src && src.readyState === EventSource.OPEN;
  }
  function composer() { return document.getElementById("composer"); }

  function wentDown() {
    offline = true;
    clearTimeout(clearTimer);
    status.dataset.state = "offline";
    status.textContent = "Offline, reconnecting… What you send is kept and sent when the connection is back.";
    var c = composer();
    if (c) c.classList.add("composer--offline");
  }
  function cameBack() {
    offline = false;
    status.dataset.state = "online";
    status.textContent = "Back online.";
    var c = composer();
    if (c) c.classList.remove("composer--offline");
    // Only what failed for want of a connection: a refusal would only be
    // refused again (and a file sent again for nothing).
    document.querySelectorAll("#messages .message--failed[data-retriable] .message__retry").forEach(function (b) { b.click(); });
    clearTimeout(clearTimer);
    clearTimer = setTimeout(function () {
      if (!offline) {
        status.textContent = "";
        delete status.dataset.state;
      }
    }, 4000);
  }
  function check() {
    if (streamOpen() && navigator.onLine !== false) {
      downSince = 0;
      if (offline) cameBack();
      return;
    }
    // A page in the back/forward cache has parked its stream on purpose.
    if (document.visibilityState === "hidden") return;
    if (!downSince) downSince = Date.now();
    if (!offline && (Date.now() - downSince >= DOWN_FOR || navigator.onLine === false)) wentDown();
  }
  setInterval(check, 1000);
  document.addEventListener("htmx:sseOpen", check);
  document.addEventListener("htmx:sseError", check);
  window.addEventListener("offline", check);
  window.addEventListener("online", check);
})();
