// oneseal UI glue. No inline scripts (the CSP forbids them): everything lives here.
(function () {
  "use strict";
  function csrf() { return document.body.dataset.csrf || ""; }

  // Every htmx request that changes state carries the session's CSRF token.
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf();
  });

  // Sign-out answers with a redirect target.
  document.addEventListener("htmx:afterRequest", function (e) {
    var to = e.detail.xhr && e.detail.xhr.getResponseHeader("HX-Redirect");
    if (to) { window.location = to; }
  });

  function text(tag, s, cls) {
    var el = document.createElement(tag);
    el.textContent = s;
    if (cls) { el.className = cls; }
    return el;
  }

  function showImportResult(box, status, body) {
    box.replaceChildren();
    if (status === 200) {
      box.appendChild(text("p", "导入成功：新发布 " + body.published + " 项，未变化 " + body.unchanged +
        " 项。Imported: " + body.published + " published, " + body.unchanged + " unchanged.", "ok"));
      return;
    }
    var err = (body && body.error) || { message_zh: "导入失败", message_en: "Import failed" };
    box.appendChild(text("p", err.message_zh + " / " + err.message_en, "error"));
    var rows = (err.details && err.details.errors) || [];
    if (rows.length === 0) { return; }
    var table = document.createElement("table");
    var head = document.createElement("tr");
    ["行 Row", "列 Column", "值 Value", "原因 Reason"].forEach(function (h) { head.appendChild(text("th", h)); });
    table.appendChild(head);
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      [r.row, r.column, r.value, (r.reason_zh || "") + " / " + (r.reason_en || "")].forEach(function (c) {
        tr.appendChild(text("td", c === undefined || c === null ? "" : String(c)));
      });
      table.appendChild(tr);
    });
    box.appendChild(table);
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.id !== "import-form") { return; }
    e.preventDefault();
    var file = form.querySelector("input[type=file]").files[0];
    var box = document.getElementById("import-result");
    if (!file) { return; }
    var fmt = /\.xlsx$/i.test(file.name) ? "xlsx" : "csv";
    box.replaceChildren(text("p", "正在校验… Validating…"));
    fetch("/api/v1/catalog/import?format=" + fmt + "&jurisdiction=" + encodeURIComponent(form.dataset.jurisdiction), {
      method: "POST",
      headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/octet-stream" },
      body: file,
      credentials: "same-origin"
    }).then(function (resp) {
      return resp.json().then(function (body) { showImportResult(box, resp.status, body); });
    }).catch(function () { box.replaceChildren(text("p", "网络错误 Network error", "error")); });
  });
})();
