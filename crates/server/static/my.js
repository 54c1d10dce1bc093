// The applicant's page (/my): sign-in with a one-time code, the online application form, the
// supplement answering a one-time notice, withdrawal. Everything goes through the JSON API;
// the page reloads to show the new state (rendered by the server from the applicant cookie).
(function () {
  "use strict";
  var status = document.getElementById("my-status");
  function say(text, bad) {
    if (!status) return;
    status.textContent = text;
    status.className = bad ? "error" : "ok";
  }
  function csrf() {
    var s = document.getElementById("applicant");
    return s ? s.getAttribute("data-applicant-csrf") : "";
  }
  function problem(body) {
    var e = body && body.error;
    return e ? e.message_zh || e.code : "请求失败，请稍后再试";
  }
  function call(method, url, body) {
    var init = { method: method, headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        return { ok: r.ok, status: r.status, body: b };
      });
    });
  }
  function phone() {
    var p = document.getElementById("my-phone");
    return p ? p.value : "";
  }

  var otp = document.getElementById("otp-form");
  if (otp) {
    otp.addEventListener("submit", function (e) {
      e.preventDefault();
      call("POST", "/api/v1/applicant/otp", { phone: phone() }).then(function (r) {
        if (r.ok) {
          say("验证码已发送至 " + r.body.sent_to + "，" + Math.round(r.body.expires_in / 60) + " 分钟内有效。");
          var c = document.getElementById("my-code");
          if (c) c.focus();
        } else {
          say(problem(r.body), true);
        }
      });
    });
  }
  var codeForm = document.getElementById("code-form");
  if (codeForm) {
    codeForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var code = document.getElementById("my-code").value.trim();
      call("POST", "/api/v1/applicant/session", { phone: phone(), code: code }).then(function (r) {
        if (r.ok) {
          location.reload();
        } else {
          say(problem(r.body), true);
        }
      });
    });
  }
  var out = document.getElementById("my-sign-out");
  if (out) {
    out.addEventListener("click", function () {
      call("DELETE", "/api/v1/applicant/session").then(function () { location.reload(); });
    });
  }

  // Uploads every chosen file of `inputs`; resolves to [{name, sha256}] or rejects with a message.
  function uploadAll(inputs) {
    var chosen = Array.prototype.filter.call(inputs, function (i) { return i.files && i.files.length; });
    return chosen.reduce(function (done, input) {
      return done.then(function (list) {
        var fd = new FormData();
        fd.append("name", input.getAttribute("data-material"));
        fd.append("file", input.files[0]);
        return call("POST", "/api/v1/applicant/files", fd).then(function (r) {
          if (!r.ok) throw new Error(input.getAttribute("data-material") + "：" + problem(r.body));
          list.push({ name: r.body.name, sha256: r.body.sha256 });
          return list;
        });
      });
    }, Promise.resolve([]));
  }

  var form = document.getElementById("apply-form");
  if (form) {
    var draftId = null;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var draft = e.submitter && e.submitter.name === "draft";
      var errors = document.getElementById("apply-errors");
      errors.hidden = true;
      errors.textContent = "";
      say("正在提交……");
      uploadAll(form.querySelectorAll("input[type=file]")).then(function (materials) {
        var type = document.getElementById("apply-type").value;
        var code = document.getElementById("apply-code").value;
        var tel = document.getElementById("apply-phone").value;
        var applicant = { type: type, name: document.getElementById("apply-name").value };
        if (type === "organisation") {
          applicant.uscc = code;
          applicant.contact_phone = tel;
        } else {
          applicant.id_number = code;
          applicant.phone = tel;
        }
        var body = {
          jurisdiction: form.getAttribute("data-j"),
          channel: "online",
          applicant: applicant,
          materials: materials,
          draft: draft
        };
        // One item, or a "one thing" bundle (one linked case per item once received).
        if (form.hasAttribute("data-bundle")) body.bundle = form.getAttribute("data-bundle");
        else body.item_code = form.getAttribute("data-item");
        // 告知承诺: only a ticked box signs; unticked, the ordinary procedure applies.
        var commitment = document.getElementById("apply-commitment");
        if (commitment && commitment.checked) body.commitment = true;
        // A "one thing" bundle signs each item's own text, recorded on that item's case.
        var items = Array.prototype.filter.call(form.querySelectorAll(".apply-commitment-item"), function (c) { return c.checked; });
        if (items.length) body.commitments = items.map(function (c) { return c.getAttribute("data-item"); });
        var url = "/api/v1/applicant/applications" + (draftId ? "/" + draftId : "");
        return call(draftId ? "PUT" : "POST", url, body);
      }).then(function (r) {
        if (r.ok) {
          if (r.body.status === "draft") {
            draftId = r.body.id;
            say("草稿已保存。");
          } else {
            say("申请已提交，提交时间即为收件时间。窗口接收后可在下方查看办件进度。");
            form.reset();
            setTimeout(function () { location.assign("/my#mine"); }, 600);
          }
          return;
        }
        var list = (r.body.error && r.body.error.details && r.body.error.details.errors) || [];
        if (list.length === 0) list = [{ message_zh: problem(r.body) }];
        list.forEach(function (x) {
          var li = document.createElement("li");
          li.textContent = x.message_zh;
          errors.appendChild(li);
        });
        errors.hidden = false;
        say("申请未提交，请修改后再试。", true);
      }).catch(function (err) {
        say(err.message, true);
      });
    });
  }

  document.querySelectorAll(".supplement-form").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      uploadAll(f.querySelectorAll("input[type=file]")).then(function (materials) {
        if (materials.length === 0) throw new Error("请选择要补正的材料文件");
        var body = { materials: materials };
        // A "one thing" application's case answers its own notice or 容缺 list.
        if (f.hasAttribute("data-case")) body.case_number = f.getAttribute("data-case");
        return call("POST", "/api/v1/applicant/applications/" + f.getAttribute("data-id") + "/supplement", body);
      }).then(function (r) {
        if (r.ok) {
          say("补正材料已提交。");
          setTimeout(function () { location.reload(); }, 600);
        } else {
          say(problem(r.body), true);
        }
      }).catch(function (err) { say(err.message, true); });
    });
  });

  // The inbox: one message read, or all; the page reloads to show the new count.
  document.querySelectorAll(".message-read").forEach(function (b) {
    b.addEventListener("click", function () {
      call("POST", "/api/v1/applicant/messages/" + b.getAttribute("data-id") + "/read").then(function (r) {
        if (r.ok) location.reload(); else say(problem(r.body), true);
      });
    });
  });
  var readAll = document.getElementById("messages-read-all");
  if (readAll) {
    readAll.addEventListener("click", function () {
      call("POST", "/api/v1/applicant/messages/read").then(function (r) {
        if (r.ok) location.reload(); else say(problem(r.body), true);
      });
    });
  }

  // Rating a closed case from the account (once; no level is preselected).
  document.querySelectorAll(".rating-form").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var chosen = f.querySelector("input[name=level]:checked");
      if (!chosen) {
        say("请先选择一个评价等级。", true);
        return;
      }
      var body = { level: chosen ? chosen.value : "", comment: f.querySelector("textarea").value };
      // A "one thing" application's cases are rated each on its own.
      if (f.hasAttribute("data-case")) body.case_number = f.getAttribute("data-case");
      call("POST", "/api/v1/applicant/applications/" + f.getAttribute("data-id") + "/rating", body).then(function (r) {
        if (r.ok) {
          say("评价已提交：" + r.body.level_zh + "。感谢您的意见。");
          setTimeout(function () { location.reload(); }, 600);
        } else {
          say(problem(r.body), true);
        }
      });
    });
  });

  document.querySelectorAll(".my-withdraw").forEach(function (b) {
    b.addEventListener("click", function () {
      call("POST", "/api/v1/applicant/applications/" + b.getAttribute("data-id") + "/withdraw").then(function (r) {
        if (r.ok) location.reload(); else say(problem(r.body), true);
      });
    });
  });
})();
