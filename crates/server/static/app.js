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
    // The server lists at most the first 100 errors; say how many there were in all.
    var total = err.details.total || rows.length;
    if (total > rows.length) {
      box.appendChild(text("p", "仅列出前 " + rows.length + " 处，共 " + total + " 处。The first " +
        rows.length + " of " + total + " errors are listed."));
    }
  }

  var CHANGES = { added: "新增 Added", changed: "变更 Changed", retired: "取消 Retired", unchanged: "不变 Unchanged" };
  // The dry run's answer: counts, then every item that would change with its differing columns.
  function showPreview(box, p) {
    box.replaceChildren();
    box.appendChild(text("p", "预览（未写入）Preview, nothing written：新增 " + p.added + " 项，变更 " + p.changed +
      " 项，取消 " + p.retired + " 项，不变 " + p.unchanged + " 项；文件未列出的现行事项 " + p.not_in_file + " 项保持不变。", "ok"));
    if (p.items.length === 0) { return; }
    var table = document.createElement("table");
    table.id = "import-preview";
    var head = document.createElement("tr");
    ["基本编码 Code", "事项 Item", "变化 Change", "字段 Field", "原值 Before", "新值 After"].forEach(function (h) { head.appendChild(text("th", h)); });
    table.appendChild(head);
    p.items.forEach(function (it) {
      var fields = it.fields.length ? it.fields : [null];
      fields.forEach(function (f, i) {
        var tr = document.createElement("tr");
        tr.dataset.change = it.change;
        [i === 0 ? it.basic_code : "", i === 0 ? it.name : "", i === 0 ? (CHANGES[it.change] || it.change) : "",
          f ? f.field_zh + "（" + f.field + "）" : "", f ? f.before : "", f ? f.after : ""].forEach(function (c) {
          tr.appendChild(text("td", c));
        });
        table.appendChild(tr);
      });
    });
    box.appendChild(table);
  }

  function importUrl(form, fmt, dry) {
    return "/api/v1/catalog/import?format=" + fmt + "&jurisdiction=" + encodeURIComponent(form.dataset.jurisdiction) +
      (dry ? "&dry_run=true" : "");
  }
  function send(url, file) {
    return fetch(url, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/octet-stream" },
      body: file,
      credentials: "same-origin"
    }).then(function (resp) {
      return resp.json().then(function (body) { return { status: resp.status, body: body }; });
    });
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
    send(importUrl(form, fmt, true), file).then(function (r) {
      if (r.status !== 200) { showImportResult(box, r.status, r.body); return; }
      showPreview(box, r.body);
      if (r.body.added + r.body.changed + r.body.retired === 0) { return; }
      var confirm = text("button", "确认导入 Import");
      confirm.type = "button";
      confirm.id = "import-confirm";
      confirm.addEventListener("click", function () {
        confirm.disabled = true;
        var out = document.createElement("div");
        box.appendChild(out);
        send(importUrl(form, fmt, false), file).then(function (r2) {
          showImportResult(out, r2.status, r2.body);
          if (r2.status !== 200) { confirm.disabled = false; }
        }).catch(function () { out.replaceChildren(text("p", "网络错误 Network error", "error")); confirm.disabled = false; });
      });
      box.appendChild(confirm);
    }).catch(function () { box.replaceChildren(text("p", "网络错误 Network error", "error")); });
  });
})();

// Working-day calendar page: a year file is previewed (what it changes) before it is imported.
(function () {
  "use strict";
  function csrf() { return document.body.dataset.csrf || ""; }
  function text(tag, s, cls) {
    var el = document.createElement(tag);
    el.textContent = s;
    if (cls) { el.className = cls; }
    return el;
  }
  function post(url, file) {
    return fetch(url, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/json" },
      body: file,
      credentials: "same-origin"
    }).then(function (resp) {
      return resp.json().then(function (body) { return { status: resp.status, body: body }; });
    });
  }
  function error(box, body) {
    var err = (body && body.error) || { message_zh: "失败", message_en: "Failed" };
    box.appendChild(text("p", err.message_zh + " / " + err.message_en, "error"));
  }
  function table(head, rows) {
    var t = document.createElement("table");
    var tr = document.createElement("tr");
    head.forEach(function (h) { tr.appendChild(text("th", h)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = document.createElement("tr");
      r.forEach(function (c) { row.appendChild(text("td", String(c))); });
      t.appendChild(row);
    });
    return t;
  }
  var DEADLINES = { notice: "一次性告知期限", statutory: "法定办结期限", promised: "承诺办结期限", delivery: "送达期限" };
  function movingTable(moving) {
    return table(["办件编号 Case", "期限 Deadline", "原日期（暂定） Was", "新日期 Now"], moving.map(function (m) {
      return [m.case_number, DEADLINES[m.deadline] || m.deadline, m.old_due, m.new_due];
    }));
  }
  var ACTIONS = {
    import: "可以导入：该年度尚未生效。 Can be imported: the year is not in force yet.",
    unchanged: "该年度已生效且内容相同，无需导入。 The year in force is the same: nothing to import.",
    correction_required: "该年度已生效：更改今后的日期须提出更正并经局长批准。 The year is in force: later days change only through a correction approved by the bureau head.",
    refused: "该年度已生效，且文件更改了今天或以前的日期：不能导入。 The year is in force and the file changes a day up to today: refused."
  };
  function showPreview(box, p, file) {
    box.replaceChildren();
    box.appendChild(text("h3", p.year + " 年 · " + p.source.title + (p.source.document_number ? "（" + p.source.document_number + "）" : "")));
    box.appendChild(text("p", ACTIONS[p.action] || p.action, p.action === "import" ? "ok" : "error"));
    box.appendChild(text("h4", "节假日 Holidays"));
    if (p.holidays.length === 0) {
      box.appendChild(text("p", "文件未列出任何节假日 The file lists no holidays", "error"));
    } else {
      box.appendChild(table(["名称 Name", "起 From", "止 To", "天数 Days"], p.holidays.map(function (h) {
        return [h.name, h.from, h.to, h.days];
      })));
    }
    box.appendChild(text("p", "调休上班日 Make-up workdays：" + (p.makeup_workdays.join("、") || "无 none")));
    var d = p.versus_provisional;
    if (d) {
      box.appendChild(text("h4", "与暂定日期的差异 Difference from the provisional dates"));
      box.appendChild(text("p", "通知另行放假的工作日 Extra rest days：" + (d.extra_rest_days.join("、") || "无 none")));
      box.appendChild(text("p", "通知调为上班的周末 Weekends made working days：" + (d.makeup_workdays.join("、") || "无 none")));
      if (d.statutory_days_missing.length > 0) {
        box.appendChild(text("p", "警告：文件未把以下法定节假日列为假日，请核对通知 Warning: these statutory holidays are not holidays in the file: " +
          d.statutory_days_missing.join("、"), "error"));
      }
    }
    box.appendChild(text("h4", "将变动的在办件期限 Open-case deadlines that move：" + p.moving.length));
    if (p.moving.length > 0) { box.appendChild(movingTable(p.moving)); }
    if (p.action !== "import") { return; }
    var confirm = text("button", "确认导入 Import");
    confirm.type = "button";
    confirm.id = "calendar-confirm";
    confirm.addEventListener("click", function () {
      confirm.disabled = true;
      post("/api/v1/calendar/years", file).then(function (r) {
        var out = document.createElement("div");
        if (r.status === 200) {
          out.appendChild(text("p", "已导入 " + r.body.year + " 年工作日历（账本序号 " + r.body.ledger_index + "），" +
            r.body.moving.length + " 个期限已重新计算。 Imported; " + r.body.moving.length + " deadlines recounted.", "ok"));
        } else {
          error(out, r.body);
          confirm.disabled = false;
        }
        box.appendChild(out);
      }).catch(function () { box.appendChild(text("p", "网络错误 Network error", "error")); confirm.disabled = false; });
    });
    box.appendChild(confirm);
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.id !== "calendar-form") { return; }
    e.preventDefault();
    var file = form.querySelector("input[type=file]").files[0];
    var box = document.getElementById("calendar-preview");
    if (!file) { return; }
    box.replaceChildren(text("p", "正在预览… Previewing…"));
    post("/api/v1/calendar/preview", file).then(function (r) {
      if (r.status === 200) { showPreview(box, r.body, file); } else { box.replaceChildren(); error(box, r.body); }
    }).catch(function () { box.replaceChildren(text("p", "网络错误 Network error", "error")); });
  });
})();

// Case pages: forms post JSON to the API; files go to the material store (one upload each).
(function () {
  "use strict";
  function csrf() { return document.body.dataset.csrf || ""; }
  function lines(s) { return (s || "").split("\n").map(function (l) { return l.trim(); }).filter(Boolean); }
  // Each file in its own request (one file per upload), in order; rejects with the first
  // refusal's answer. Resolves to [{name, sha256}] as the server stored them.
  function uploadOne(number, name, file) {
    var data = new FormData();
    data.append("name", name || file.name);
    data.append("file", file);
    return fetch("/api/v1/cases/" + number + "/materials", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf() }, body: data
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        if (r.status !== 200) { throw { status: r.status, body: b, file: file.name }; }
        return { name: b.material.name, sha256: b.material.sha256 };
      });
    });
  }
  function uploadAll(number, name, files) {
    var out = [];
    return Array.prototype.reduce.call(files || [], function (p, file) {
      return p.then(function () { return uploadOne(number, name, file).then(function (m) { out.push(m); }); });
    }, Promise.resolve()).then(function () { return out; });
  }
  function show(status, body) {
    var box = document.getElementById("form-result");
    if (!box) { return; }
    box.replaceChildren();
    var p = document.createElement("p");
    if (status === 200) {
      p.className = "ok";
      p.textContent = "已办理 Done" + (body.query_code ? "：办件编号 " + body.case_number + "，查询码 " + body.query_code : "");
    } else {
      p.className = "error";
      var e = (body && body.error) || {};
      p.textContent = (e.message_zh || "失败") + " / " + (e.message_en || "Failed") + (e.code ? " [" + e.code + "]" : "");
    }
    box.appendChild(p);
  }
  function post(url, payload) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(payload)
    }).then(function (r) { return r.json().then(function (b) { return [r.status, b]; }); });
  }
  // The one-time notice from the ticked checklist items and any typed ones, each with the note
  // (or a plain request to hand the material in) as what the applicant must do.
  function noticeItems(form) {
    var note = (form.elements.note && form.elements.note.value.trim()) || "";
    var names = Array.prototype.filter.call(form.querySelectorAll("input[name=missing]"), function (c) { return c.checked; })
      .map(function (c) { return c.value; }).concat(lines(form.elements.lines ? form.elements.lines.value : ""));
    return names.map(function (n) { return { material: n, problem: "missing", detail: note || "请补充提交：" + n }; });
  }
  function payload(form, section) {
    var a = form.dataset.action, f = form.elements;
    switch (a) {
      case "one_time_notice":
        return Promise.resolve({ action: a, items: noticeItems(form) });
      case "supplement":
        // The files are stored first (the same upload as the materials desk), then the
        // supplement names them by the digests the server computed.
        return uploadAll(section.dataset.case, f.material ? f.material.value : "", f.files.files).then(function (m) {
          return { action: a, materials: m };
        });
      case "deferral":
        // 容缺受理: the ticked materials and the agreed date; or the files of one owed material.
        if (form.dataset.act === "accept") {
          var chosen = Array.prototype.filter.call(form.querySelectorAll("input[name=deferred]"), function (c) { return c.checked; })
            .map(function (c) { return c.value; });
          return Promise.resolve({ action: a, act: "accept", materials: chosen, due: f.due.value });
        }
        return uploadAll(section.dataset.case, f.material.value, f.files.files).then(function (m) {
          return { action: a, act: "receive", materials: m };
        });
      case "review": return Promise.resolve({ action: a, step: f.step.value, opinion: f.opinion.value, substantive: f.substantive.checked });
      case "start_special_procedure": return Promise.resolve({ action: a, procedure: f.procedure.value, notice_reference: f.notice_reference.value });
      case "transfer": return Promise.resolve({ action: a, to: f.to.value.trim().toUpperCase(), reason: f.reason.value });
      case "return": return Promise.resolve({ action: a, to_step: f.to_step.value, reason: f.reason.value });
      case "extend": return Promise.resolve({ action: a,
        authority: f.approval_reference ? { head: "government_head", approval_reference: f.approval_reference.value } : { head: "bureau_head" },
        working_days: parseInt(f.working_days.value, 10), reason: f.reason.value, applicant_notified_on: f.applicant_notified_on.value || undefined });
      case "hearing": return Promise.resolve(hearingBody(form));
      default: return Promise.resolve({ action: a });
    }
  }
  // The hearing's acts (web/case_hearing.rs): the form's data-act and its fields.
  function hearingBody(form) {
    var f = form.elements, b = { action: "hearing", act: form.dataset.act };
    ["notice_reference", "party", "statement", "requester", "ground", "presiding", "held_on", "place", "record_reference", "reason"]
      .forEach(function (k) { if (f[k]) { b[k] = f[k].value; } });
    if (f.parties) { b.parties = lines(f.parties.value); }
    if (f.open_to_public) { b.open_to_public = f.open_to_public.checked; }
    if (f.closed_ground && f.closed_ground.value) { b.closed_ground = f.closed_ground.value; }
    if (f.signed) { b.signed = f.signed.checked; }
    return b;
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var section = form.closest && form.closest("[data-case]");
    if (form.id === "material-upload") {
      e.preventDefault();
      var box = form.querySelector(".upload-result");
      var name = form.elements.name.value || form.elements.other_name.value.trim();
      var button = form.querySelector("button");
      if (!name) { box.textContent = "请填写材料名称 Name the material"; return; }
      button.disabled = true;
      box.textContent = "正在上传… Uploading…";
      uploadAll(form.dataset.number, name, form.elements.file.files).then(function (m) {
        box.className = "upload-result ok";
        box.textContent = "已上传 " + m.length + " 个文件 Uploaded " + m.length + " file(s)";
        setTimeout(function () { window.location.reload(); }, 600);
      }).catch(function (err) {
        var e2 = (err.body && err.body.error) || {};
        box.className = "upload-result error";
        box.textContent = (err.file ? err.file + "：" : "") + (e2.message_zh || "上传失败") + " / " + (e2.message_en || "Upload failed") + (e2.code ? " [" + e2.code + "]" : "");
        button.disabled = false;
      });
      return;
    }
    if (form.id === "intake-form") {
      // The form posts itself with its files (multipart; it works without script); script only
      // greys the button, so a second click is visibly not needed. The one-time token in the
      // form is what makes a double click register once.
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      return;
    }
    // Final steps are plain forms that lead to the confirmation page (case_desk.rs).
    if (!section || !form.dataset.action) { return; }
    e.preventDefault();
    payload(form, section).then(function (p) { return post("/api/v1/cases/" + section.dataset.case + "/actions", p); })
      .then(function (r) { show(r[0], r[1]); if (r[0] === 200) { setTimeout(function () { window.location.reload(); }, 600); } })
      .catch(function (err) { show(err.status || 0, err.body || {}); });
  });
})();

// Generic API forms (linkage and accountability pages): <form data-api="/api/v1/…/{name}"
// [data-method] [data-reload]>. Field names with dots nest ("body.type"); data-kind="list" splits
// lines, data-kind="int" parses a number; "true"/"false" become booleans (unless
// data-kind="text"); data-copy="x" also
// sends the value as field x; data-path fields fill {name} in the URL. Empty fields are left out.
(function () {
  "use strict";
  function csrf() { return document.body.dataset.csrf || ""; }
  function put(obj, path, value) {
    var parts = path.split(".");
    var o = obj;
    for (var i = 0; i < parts.length - 1; i++) { o = o[parts[i]] = o[parts[i]] || {}; }
    o[parts[parts.length - 1]] = value;
  }
  function formJson(form, path) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.value === "" || el.type === "file") { return; }
      var v = el.value;
      if (el.dataset.path) { path[el.name] = v; return; }
      // data-kind="each": every checked box of the name joins one list (joint review's departments).
      if (el.dataset.kind === "each") {
        if (el.checked) { body[el.name] = (body[el.name] || []).concat([v]); }
        return;
      }
      if (el.dataset.kind === "int") {
        v = parseInt(v, 10);
      } else if (el.dataset.kind === "list") {
        v = v.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
      } else if (el.dataset.kind === "text") {
        // Sent as typed: a code that reads "false" (告知承诺's verdict) stays a string.
      } else if (v === "true" || v === "false") {
        v = v === "true";
      }
      put(body, el.name, v);
      if (el.dataset.copy) { put(body, el.dataset.copy, v); }
    });
    if (body.body && body.body.type === "policy_change" && !body.body.articles) { body.body.articles = []; }
    return body;
  }
  // The files of a form's file inputs, each posted alone (multipart `file`) to its data-upload
  // URL, in order; resolves to their SHA-256 digests, rejects with the first refusal's body.
  function uploads(form) {
    var files = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (el) {
      Array.prototype.push.apply(files, el.files || []);
    });
    if (!form.dataset.upload) { return Promise.resolve([]); }
    return files.reduce(function (p, file) {
      return p.then(function (out) {
        var data = new FormData();
        data.append("file", file);
        return fetch(form.dataset.upload, {
          method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf() }, body: data
        }).then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (b) {
            if (r.status !== 200) { throw b; }
            return out.concat([b.sha256]);
          });
        });
      });
    }, Promise.resolve([]));
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.dataset || !form.dataset.api) { return; }
    e.preventDefault();
    var box = document.getElementById("form-result");
    var path = {};
    var json = formJson(form, path);
    var url = form.dataset.api.replace(/\{(\w+)\}/g, function (m, k) { return encodeURIComponent(path[k] || ""); });
    uploads(form).then(function (shas) {
      // data-upload: the chosen files are stored first (one request each), then cited by digest.
      if (shas.length) { json.attachments = (json.attachments || []).concat(shas); }
      return fetch(url, {
        method: form.dataset.method || "POST",
        headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/json" },
        body: JSON.stringify(json),
        credentials: "same-origin"
      });
    }, function (refused) {
      // The refusal of an upload reads like the form's own.
      return { ok: false, json: function () { return Promise.resolve(refused); } };
    }).then(function (resp) {
      return resp.json().then(function (b) {
        var p = document.createElement("p");
        if (resp.ok) {
          p.className = "ok";
          p.textContent = "已办理 Done" + (b.late ? "（逾期认领 claimed late）" : "") +
            (b.impact ? "：影响事项 " + b.impact.items.length + " 项、在办件 " + b.impact.open_cases.length + " 件、有效证照 " + b.impact.valid_licences.length + " 张" : "") +
            (b.licence_status ? "：证照" + b.licence_status : "") +
            (b.case_number && b.query_code ? "：办件编号 " + b.case_number + "，查询码 " + b.query_code : "");
        } else {
          var err = b.error || {};
          p.className = "error";
          p.textContent = (err.message_zh || "失败") + " / " + (err.message_en || "Failed") + " [" + (err.code || resp.status) + "]";
        }
        if (box) { box.replaceChildren(p); box.scrollIntoView({ block: "nearest" }); }
        if (resp.ok && form.dataset.reload) { setTimeout(function () { window.location.reload(); }, 900); }
      });
    }).catch(function () { if (box) { box.textContent = "网络错误 Network error"; } });
  });
})();

// Log explorer (/ledger): "在浏览器中验证". The browser fetches the entry's exact bytes, the
// published checkpoint and an inclusion proof against that checkpoint's size, then recomputes
// everything itself with WebCrypto: leaf = SHA-256(0x00 || entry), each step
// SHA-256(0x01 || left || right) as in RFC 9162 §2.1.3.2, and compares the result with the root
// hash written in the checkpoint (not with any root the server computed for us).
(function () {
  "use strict";
  function sha256(parts) {
    var len = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var buf = new Uint8Array(len), at = 0;
    parts.forEach(function (p) { buf.set(p, at); at += p.length; });
    return crypto.subtle.digest("SHA-256", buf).then(function (d) { return new Uint8Array(d); });
  }
  function unbase64(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function base64(bytes) { return btoa(String.fromCharCode.apply(null, Array.prototype.slice.call(bytes))); }
  function same(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  // RFC 9162 §2.1.3.2: the root an inclusion proof implies for `leaf` at `index` of `size`.
  function rootFromProof(leaf, index, size, proof) {
    var fn = BigInt(index), sn = BigInt(size) - 1n, r = Promise.resolve(leaf);
    var ONE = new Uint8Array([1]);
    proof.forEach(function (p) {
      r = r.then(function (h) {
        if (sn === 0n) { throw new Error("证明过长 proof too long"); }
        var next;
        if ((fn & 1n) === 1n || fn === sn) {
          next = sha256([ONE, p, h]);
          while (fn !== 0n && (fn & 1n) === 0n) { fn >>= 1n; sn >>= 1n; }
        } else {
          next = sha256([ONE, h, p]);
        }
        fn >>= 1n; sn >>= 1n;
        return next;
      });
    });
    return r.then(function (h) {
      if (sn !== 0n) { throw new Error("证明过短 proof too short"); }
      return h;
    });
  }
  // The C2SP checkpoint body: origin, size, base64 root hash, then extension lines.
  function parseCheckpoint(note) {
    var lines = note.split("\n\n")[0].split("\n");
    if (lines.length < 3 || !/^\d+$/.test(lines[1])) { throw new Error("检查点格式无效 bad checkpoint"); }
    return { origin: lines[0], size: lines[1], root: unbase64(lines[2]) };
  }
  function ok(r) {
    if (!r.ok) { throw new Error("HTTP " + r.status + " " + r.url); }
    return r;
  }
  function verify(log, index, tamper) {
    var base = "/api/v1/log/" + encodeURIComponent(log);
    var cp;
    return fetch("/log/" + encodeURIComponent(log) + "/checkpoint", { cache: "no-store" })
      .then(ok).then(function (r) { return r.text(); })
      .then(function (note) {
        cp = parseCheckpoint(note);
        return Promise.all([
          fetch(base + "/entries/" + index).then(ok).then(function (r) { return r.arrayBuffer(); }),
          fetch(base + "/proof/inclusion?index=" + index + "&size=" + cp.size).then(ok).then(function (r) { return r.json(); })
        ]);
      })
      .then(function (got) {
        var entry = new Uint8Array(got[0]), proof = got[1];
        if (String(proof.size) !== cp.size || String(proof.index) !== String(index)) {
          throw new Error("证明与检查点不符 proof is for another tree");
        }
        if (tamper && entry.length > 0) { entry[0] ^= 1; }
        return sha256([new Uint8Array([0]), entry]).then(function (leaf) {
          return rootFromProof(leaf, index, cp.size, proof.proof.map(unbase64));
        });
      })
      .then(function (root) {
        return { ok: same(root, cp.root), root: base64(root), expected: base64(cp.root), size: cp.size };
      });
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button.verify-entry");
    if (!button) { return; }
    var section = button.closest("[data-log]");
    var out = button.parentNode.querySelector(".verify-result");
    out.className = "verify-result";
    out.textContent = "验证中… Verifying…";
    button.disabled = true;
    verify(section.dataset.log, button.dataset.index, section.dataset.tamper === "1").then(function (v) {
      if (v.ok) {
        out.className = "verify-result ok";
        out.textContent = "✓ 已在浏览器中验证 Verified in your browser（检查点 checkpoint " + v.size + "，根 root " + v.root + "）";
      } else {
        out.className = "verify-result error";
        out.textContent = "✗ 验证失败 Verification failed：计算得到的根 computed root " + v.root + " ≠ 检查点根 checkpoint root " + v.expected;
      }
    }).catch(function (err) {
      out.className = "verify-result error";
      out.textContent = "✗ 验证失败 Verification failed：" + err.message;
    }).then(function () { button.disabled = false; });
  });

  // Log explorer (/ledger): "检查一致性". The browser remembers the last checkpoint it checked of
  // each log (localStorage) and, at the next check, asks for a consistency proof from that size
  // to the current checkpoint's, then checks it itself (RFC 9162 §2.1.4.2) against the two roots it
  // holds: the remembered one and the one written in the current checkpoint. A log that rewrote or
  // dropped anything it had published cannot produce such a proof.
  (function () {
  var el = document.getElementById("consistency");
  if (!el || !window.crypto || !crypto.subtle) { return; }
  function node(l, r) { return sha256([new Uint8Array([1]), l, r]); }
  // RFC 9162 §2.1.4.2, for 0 < m < n: resolves to true when `proof` links root m to root n.
  function consistent(m, n, proof, rootM, rootN) {
    var path = proof.slice();
    var fn = BigInt(m) - 1n, sn = BigInt(n) - 1n;
    if ((BigInt(m) & (BigInt(m) - 1n)) === 0n) { path.unshift(rootM); }
    if (path.length === 0) { return Promise.resolve(false); }
    while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
    var state = Promise.resolve({ fr: path[0], sr: path[0] });
    path.slice(1).forEach(function (c) {
      state = state.then(function (s) {
        if (sn === 0n) { throw new Error("证明过长 proof too long"); }
        var step;
        if ((fn & 1n) === 1n || fn === sn) {
          step = Promise.all([node(c, s.fr), node(c, s.sr)]).then(function (h) { return { fr: h[0], sr: h[1] }; });
          if ((fn & 1n) === 0n) { while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; } }
        } else {
          step = node(s.sr, c).then(function (h) { return { fr: s.fr, sr: h }; });
        }
        fn >>= 1n; sn >>= 1n;
        return step;
      });
    });
    return state.then(function (s) { return sn === 0n && same(s.fr, rootM) && same(s.sr, rootN); });
  }
  var log = el.dataset.log, key = "oneseal.checkpoint." + log;
  function show(cls, text) { el.className = "consistency " + cls; el.textContent = text; }
  var button = document.getElementById("check-consistency");
  if (!button) { return; }
  button.addEventListener("click", function () {
    button.disabled = true;
    show("", "验证中… Checking…");
    check().then(function () { button.disabled = false; });
  });
  function check() {
  var seen = null;
  try { seen = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { seen = null; }
  return fetch("/log/" + encodeURIComponent(log) + "/checkpoint", { cache: "no-store" })
    .then(ok).then(function (r) { return r.text(); })
    .then(function (note) {
      var lines = note.split("\n\n")[0].split("\n");
      if (lines.length < 3 || !/^\d+$/.test(lines[1])) { throw new Error("检查点格式无效 bad checkpoint"); }
      var now = { size: Number(lines[1]), root: lines[2] };
      var remember = function () { localStorage.setItem(key, JSON.stringify(now)); };
      if (!seen || typeof seen.size !== "number" || typeof seen.root !== "string") {
        remember();
        return show("", "已记录本次检查点（" + now.size + "），下次检查时验证 Recorded; proved at your next check");
      }
      if (seen.size > now.size) {
        return show("error", "✗ 不一致 Inconsistent：日志比您上次所见更短（" + seen.size + " → " + now.size + "）the log shrank");
      }
      if (seen.size === now.size || seen.size === 0) {
        var agrees = seen.size === 0 || seen.root === now.root;
        if (agrees) { remember(); }
        return agrees
          ? show("ok", "✓ 与上次所见一致 Consistent（" + seen.size + " → " + now.size + "）")
          : show("error", "✗ 不一致 Inconsistent：同一大小的根不同 another root for the same size");
      }
      return fetch("/api/v1/log/" + encodeURIComponent(log) + "/proof/consistency?from=" + seen.size + "&to=" + now.size)
        .then(ok).then(function (r) { return r.json(); })
        .then(function (p) {
          return consistent(seen.size, now.size, p.proof.map(unbase64), unbase64(seen.root), unbase64(now.root));
        })
        .then(function (good) {
          if (good) {
            remember();
            show("ok", "✓ 与上次所见一致 Consistent（" + seen.size + " → " + now.size + "），已在浏览器中验证一致性证明 proof checked in your browser");
          } else {
            show("error", "✗ 不一致 Inconsistent：一致性证明不成立，日志可能被改写 the proof fails: the log may have been rewritten");
          }
        });
    })
    .catch(function (err) { show("error", "✗ 无法验证 Could not check：" + err.message); });
  }
})();
})();

// Printable pages (the one-time notice): a button that prints, since the CSP allows no inline
// script.
document.addEventListener("click", function (e) {
  if (e.target && e.target.matches && e.target.matches("[data-print]")) { window.print(); }
});

// The header's menu folds on a phone and in large text (issue #19 item 8): the button shows the
// links; without script the menu simply stays open.
(function () {
  var button = document.querySelector(".menu-button");
  var header = button && button.closest(".top");
  if (!header) { return; }
  button.hidden = false;
  header.classList.add("foldable");
  button.addEventListener("click", function () {
    var open = header.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
