// Small progressive enhancements shared by every page. The site works without
// this file: it only keeps the #fragment when switching language, and turns
// the pseudocode table into a filterable, sortable one.
(function () {
  "use strict";

  // Language switch: keep the paragraph (#id) or the calculator state (#...).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-language-switch]");
    if (!link || !location.hash) return;
    var url = new URL(link.getAttribute("href"), location.href);
    url.hash = location.hash;
    link.setAttribute("href", url.pathname + url.search + url.hash);
  });

  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function setupCodeTable() {
    var table = document.getElementById("pseudocode-table");
    var box = document.querySelector("[data-code-filter]");
    if (!table || !box) return;
    var input = box.querySelector("input");
    var count = box.querySelector(".code-filter__count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var total = rows.length;
    box.hidden = false;

    function update() {
      var terms = normalise(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = normalise(row.textContent);
        var match = terms.every(function (term) { return text.indexOf(term) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = count.dataset.template.replace("{shown}", shown).replace("{total}", total);
    }
    input.addEventListener("input", update);

    // A search result (?h=792632) or a link to a code (#code-792632) filters to it.
    var params = new URLSearchParams(location.search);
    if (params.get("h")) input.value = params.get("h");
    update();

    // Sortable columns: a button in each header, aria-sort on the sorted one.
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.sort === "number";
        rows.sort(function (a, b) {
          var x = a.cells[index].textContent.trim();
          var y = b.cells[index].textContent.trim();
          var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, document.documentElement.lang);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      });
    });
  }

  // In a task of its own, after the theme's start-up (which also runs on
  // DOMContentLoaded): two short tasks block a phone less than one long one.
  function later() { setTimeout(setupCodeTable, 0); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", later);
  } else {
    later();
  }
})();

// Theme fixes (issue 6, quality gates): see docs/overrides/assets/project/site.css.
(function () {
  "use strict";
  // The search dialog of mkdocs-material has no accessible name: give it the
  // search field's own label, already in the page's language.
  var dialog = document.querySelector('.md-search[role="dialog"]');
  var field = dialog && dialog.querySelector("input[aria-label]");
  if (field && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", field.getAttribute("aria-label"));
  }
  // The drawer and search toggles lost autocomplete="off" (invalid on a
  // checkbox, scripts/theme_hooks.py): a reloaded or restored page starts closed.
  window.addEventListener("pageshow", function () {
    ["__drawer", "__search"].forEach(function (id) {
      var toggle = document.getElementById(id);
      if (toggle && toggle.checked) toggle.click();
    });
  });
})();
