// Small helpers of forms and settings pages, which are whole without them:
// copy buttons beside read-only fields (the join link, a bot's command
// lines), and a filter over long lists of people to choose from.
(function () {
  "use strict";

  // Copy buttons are hidden until they can work.
  function showCopyButtons(root) {
    root.querySelectorAll("[data-copy-from][hidden]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-copy-from]");
    if (!button || !window.Campfire || !window.Campfire.copy) return;
    var field = document.getElementById(button.dataset.copyFrom);
    if (!field) return;
    field.select();
    window.Campfire.copy(field.value, "Copied");
  });

  // Typing in a people filter hides the choices whose name does not hold
  // the text; chosen people stay, so nothing checked is ever out of sight.
  function normalize(s) {
    return String(s).toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
  }
  function filterPeople(input) {
    var list = document.getElementById(input.dataset.peopleFilter);
    if (!list) return;
    var q = normalize(input.value);
    var shown = 0;
    list.querySelectorAll(".choice").forEach(function (choice) {
      var box = choice.querySelector("input[type=checkbox]");
      var match = q === "" || normalize(choice.textContent).indexOf(q) !== -1 || (box && box.checked);
      choice.hidden = !match;
      if (match) shown++;
    });
    var none = input.parentNode.querySelector(".people-filter__none");
    if (none) none.textContent = shown === 0 ? "Nobody by that name." : "";
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("[data-people-filter]")) filterPeople(e.target);
  });
  // Enter in the filter must not send the form half-filled.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches("[data-people-filter]")) e.preventDefault();
  });

  function start() {
    showCopyButtons(document);
    document.querySelectorAll(".people-filter[hidden]").forEach(function (p) { p.hidden = false; });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
