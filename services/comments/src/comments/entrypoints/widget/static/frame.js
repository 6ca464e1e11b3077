/* The comments frame: a release's visible thread, its count and the form, in the comments
 * service's own document (see widget.js for why a frame). Every visitor's text is inserted as
 * text; the server's sanitised HTML is parsed inert and rebuilt through an allow-list. */
(function () {
  "use strict";
  var STRINGS = {
    en: {
      title: "Comments", loading: "Loading comments…", unavailable: "Comments are not available here.",
      loadFailed: "The comments could not be loaded.", none: "No comments yet.",
      count: function (n) { return n === 1 ? "1 comment" : n + " comments"; },
      closed: "Comments are closed.", more: "Show more comments", official: "Official reply",
      reply: "Reply", replyTo: function (name) { return "Reply to " + name; }, cancel: "Cancel",
      report: "Report", reported: "Thank you. The moderators will look at it.",
      write: "Write a comment", name: "Name", email: "Email (never shown)", text: "Comment",
      hint: "Links, emphasis, quotes and code (HTML) are kept; nothing else.", trap: "Leave this empty",
      send: "Post comment", sending: "Sending…", published: "Your comment is published.",
      pending: "Thank you! Your comment will be shown once a moderator has approved it.",
      failed: "Your comment could not be sent:", reportFailed: "The report could not be sent:",
      network: "The connection failed. Please try again.",
      reactions: "Reactions", kinds: { like: "Like", insightful: "Insightful", disagree: "Disagree" },
      reactFailed: "The reaction could not be sent:",
      edit: "Edit", remove: "Delete", editLabel: "Edit your comment", save: "Save changes",
      edited: "Your comment is changed.", editPending: "Thank you! Your change will be shown once a moderator has approved it.",
      editFailed: "Your change could not be saved:", deleted: "Your comment is deleted.",
      deleteFailed: "Your comment could not be deleted:",
      verify: "Thank you! We sent you an email: your comment is shown once you confirm it with its link."
    },
    sv: {
      title: "Kommentarer", loading: "Hämtar kommentarer…", unavailable: "Kommentarer finns inte här.",
      loadFailed: "Kommentarerna kunde inte hämtas.", none: "Inga kommentarer ännu.",
      count: function (n) { return n === 1 ? "1 kommentar" : n + " kommentarer"; },
      closed: "Kommentarerna är stängda.", more: "Visa fler kommentarer", official: "Officiellt svar",
      reply: "Svara", replyTo: function (name) { return "Svara " + name; }, cancel: "Avbryt",
      report: "Anmäl", reported: "Tack. Moderatorerna tittar på den.",
      write: "Skriv en kommentar", name: "Namn", email: "E-post (visas aldrig)", text: "Kommentar",
      hint: "Länkar, betoning, citat och kod (HTML) behålls, inget annat.", trap: "Lämna tomt",
      send: "Skicka kommentar", sending: "Skickar…", published: "Din kommentar är publicerad.",
      pending: "Tack! Din kommentar visas när en moderator har godkänt den.",
      failed: "Din kommentar kunde inte skickas:", reportFailed: "Anmälan kunde inte skickas:",
      network: "Anslutningen misslyckades. Försök igen.",
      reactions: "Reaktioner", kinds: { like: "Gilla", insightful: "Insiktsfull", disagree: "Håller inte med" },
      reactFailed: "Reaktionen kunde inte skickas:",
      edit: "Ändra", remove: "Ta bort", editLabel: "Ändra din kommentar", save: "Spara ändringarna",
      edited: "Din kommentar är ändrad.", editPending: "Tack! Din ändring visas när en moderator har godkänt den.",
      editFailed: "Din ändring kunde inte sparas:", deleted: "Din kommentar är borttagen.",
      deleteFailed: "Din kommentar kunde inte tas bort:",
      verify: "Tack! Vi har skickat ett mejl till dig: kommentaren visas när du har bekräftat den med länken."
    }
  };
  var PAGE = 20;
  // The markup the server keeps (nh3), checked again here: tags, then the one attribute.
  var ALLOWED = { A: 1, EM: 1, STRONG: 1, I: 1, B: 1, BLOCKQUOTE: 1, Q: 1, CODE: 1, PRE: 1, P: 1, BR: 1 };
  var DROPPED = { SCRIPT: 1, STYLE: 1, TEMPLATE: 1, SVG: 1, MATH: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, NOSCRIPT: 1, TEXTAREA: 1, TITLE: 1 };
  var REL = "nofollow ugc noopener";
  var KINDS = ["like", "insightful", "disagree"];

  var params = new URLSearchParams(location.search);
  var lang = STRINGS[params.get("lang")] ? params.get("lang") : "en";
  var t = STRINGS[lang];
  var release = /^[0-9a-f]{24}$/.test(params.get("release") || "") ? params.get("release") : "";
  var order = params.get("order") === "oldest" ? "oldest" : "newest";
  var api = new URL("../v1/public/releases/" + release + "/", location.href).href;
  var root = document.getElementById("comments");
  var dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  var ids = 0;
  var ui = {};
  // This session only (kept in the frame's memory, never stored): the reader's own fresh
  // comments with the token that edits or deletes them until the window ends, and the
  // reactions the reader gave here. A reload forgets them; the author's email keeps the link.
  var own = {};
  var reacted = {};

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === true) node.setAttribute(name, "");
      else if (value !== false && value != null) node.setAttribute(name, String(value));
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function uid(prefix) { ids += 1; return prefix + "-" + ids; }

  function request(method, path, body, token) {
    var init = { method: method, credentials: "omit", headers: { Accept: "application/json" } };
    if (token) init.headers["X-Author-Token"] = token;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(api + path, init).then(function (answer) {
      var parsed = answer.status === 202 || answer.status === 204 ? Promise.resolve(null) : answer.json();
      return parsed.catch(function () { return null; }).then(function (data) {
        if (answer.ok) return data;
        var problem = data && typeof data === "object" ? data : {};
        throw { status: answer.status, detail: String(problem.detail || answer.statusText), errors: problem.errors || [] };
      });
    }, function () {
      // No answer at all (offline, blocked): a problem like the API's, so callers handle one kind.
      throw { status: 0, detail: t.network, errors: [] };
    });
  }

  /* The server's HTML, parsed inert (DOMParser runs no script and loads nothing), rebuilt here
   * from the allowed tags; text goes in as text, links only with an http(s) address. */
  function markup(html) {
    var parsed = new DOMParser().parseFromString(String(html), "text/html").body;
    var out = document.createDocumentFragment();
    copyChildren(parsed, out);
    return out;
  }
  function copyChildren(from, to) {
    Array.prototype.forEach.call(from.childNodes, function (node) {
      if (node.nodeType === 3) { to.appendChild(document.createTextNode(node.nodeValue)); return; }
      if (node.nodeType !== 1) return;
      var tag = node.nodeName.toUpperCase();
      if (DROPPED[tag]) return;
      if (!ALLOWED[tag]) { copyChildren(node, to); return; }
      var copy = document.createElement(tag.toLowerCase());
      if (tag === "A") {
        var href = safeHref(node.getAttribute("href"));
        if (href) { copy.href = href; copy.rel = REL; copy.target = "_blank"; }
      }
      copyChildren(node, copy);
      to.appendChild(copy);
    });
  }
  function safeHref(value) {
    try {
      var url = new URL(value || "");
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) { return null; }
  }

  function commentItem(comment) {
    var heading = uid("by");
    var badge = comment.is_official_reply
      ? h("span", { "class": "badge" }, [h("span", { "aria-hidden": "true" }, ["✓ "]), t.official]) : null;
    var when = h("time", { "class": "when", datetime: comment.posted_at }, [dates.format(new Date(comment.posted_at))]);
    var head = h("header", {}, [h("span", { "class": "author", id: heading }, [comment.author_name])].concat(badge ? [badge] : [], [when]));
    var body = h("div", { "class": "body" }, [markup(comment.body_html)]);
    var actions = h("div", { "class": "actions" });
    var article = h("article", { "aria-labelledby": heading, tabindex: "-1" }, [head, body, reactionBar(comment), actions]);
    var item = h("li", { "class": comment.is_official_reply ? "comment official" : "comment", "data-id": comment.id }, [article]);
    var replies = h("ul", { "class": "replies" });
    (comment.replies || []).forEach(function (reply) { replies.appendChild(commentItem(reply)); });
    if (replies.childNodes.length) item.appendChild(replies);
    if (ui.open) actions.appendChild(replyButton(comment, item));
    if (!comment.is_official_reply) actions.appendChild(reportButton(comment, item));
    ownButtons(comment, item, actions);
    return item;
  }

  /* Reactions: one toggle button per kind with its count; pressed for what this reader gave
   * in this session (the API counts each reader once per kind, and takes it back). */
  function reactionBar(comment) {
    var group = h("div", { "class": "reactions", role: "group", "aria-label": t.reactions });
    KINDS.forEach(function (kind) { group.appendChild(reactionButton(comment, kind)); });
    return group;
  }

  function reactionButton(comment, kind) {
    var key = comment.id + ":" + kind;
    var button = h("button", { type: "button", "class": "reaction", "aria-pressed": reacted[key] ? "true" : "false" });
    function show(counts) { button.textContent = t.kinds[kind] + " " + (counts[kind] || 0); }
    show(comment.reactions || {});
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-disabled")) return;  // the last click is still on its way
      var on = button.getAttribute("aria-pressed") !== "true";
      var path = "comments/" + comment.id + "/reactions" + (on ? "" : "/" + kind);
      button.setAttribute("aria-disabled", "true");
      request(on ? "POST" : "DELETE", path, on ? { kind: kind } : undefined).then(function (updated) {
        reacted[key] = on;
        button.setAttribute("aria-pressed", on ? "true" : "false");
        show(updated.reactions || {});
      }, function (problem) {
        say(t.reactFailed + " " + problem.detail, true);
      }).then(function () { button.removeAttribute("aria-disabled"); });
    });
    return button;
  }

  /* The reader's own comment, posted in this session: Edit and Delete while its window lasts. */
  function ownButtons(comment, item, actions) {
    var mine = own[comment.id];
    if (!mine || Date.now() >= mine.until) return;
    var edit = h("button", { type: "button", "class": "link" }, [t.edit]);
    var remove = h("button", { type: "button", "class": "link" }, [t.remove]);
    edit.addEventListener("click", function () { openEditor(comment, item, edit); });
    remove.addEventListener("click", function () { removeOwn(comment, item, remove); });
    actions.appendChild(edit);
    actions.appendChild(remove);
  }

  function openEditor(comment, item, editButton) {
    var article = item.querySelector(":scope > article");
    var existing = article.querySelector(":scope > form");
    if (existing) { existing.elements.text.focus(); return; }
    var form = h("form", { novalidate: true, "aria-label": t.editLabel });
    field(form, "text", t.editLabel, h("textarea", { rows: "5", maxlength: "20000", required: true }), t.hint);
    form.elements.text.value = own[comment.id].text;
    var save = h("button", { type: "submit", "class": "primary" }, [t.save]);
    var cancel = h("button", { type: "button" }, [t.cancel]);
    form.appendChild(h("div", { "class": "actions" }, [save, cancel]));
    cancel.addEventListener("click", function () { form.remove(); editButton.focus(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      save.disabled = true;
      var text = form.elements.text.value;
      request("PATCH", "comments/" + comment.id, { text: text }, own[comment.id].token).then(function (after) {
        own[comment.id].text = text;
        form.remove();
        if (after.status === "approved") {
          var body = article.querySelector(":scope > .body");
          body.textContent = "";
          body.appendChild(markup(after.comment.body_html));
          say(t.edited, false);
          article.focus();
        } else {
          forget(item);
          say(t.editPending, false, true);
        }
      }, function (problem) {
        showProblem(form, problem, t.editFailed);
      }).then(function () { save.disabled = false; });
    });
    article.insertBefore(form, article.querySelector(":scope > .actions"));
    form.elements.text.focus();
  }

  function removeOwn(comment, item, button) {
    button.disabled = true;
    request("DELETE", "comments/" + comment.id, undefined, own[comment.id].token).then(function () {
      delete own[comment.id];
      forget(item);
      say(t.deleted, false, true);
    }, function (problem) {
      button.disabled = false;
      say(t.deleteFailed + " " + problem.detail, true);
    });
  }

  /* A comment no longer shown (deleted, or waiting for a moderator after an edit). */
  function forget(item) {
    item.remove();
    ui.visible = Math.max(0, ui.visible - 1);
    ui.count.textContent = t.count(ui.visible);
    ui.none.hidden = ui.thread.childNodes.length > 0;
  }

  function replyButton(comment, item) {
    var button = h("button", { type: "button", "class": "link", "aria-label": t.replyTo(comment.author_name) }, [t.reply]);
    button.addEventListener("click", function () {
      var existing = item.querySelector(":scope > form");
      if (existing) { existing.querySelector("input, textarea").focus(); return; }
      var form = commentForm(comment, function () { form.remove(); button.focus(); });
      item.insertBefore(form, item.querySelector(":scope > .replies"));
      form.querySelector("input").focus();
    });
    return button;
  }

  function reportButton(comment, item) {
    var button = h("button", { type: "button", "class": "link" }, [t.report]);
    button.addEventListener("click", function () {
      button.disabled = true;
      request("POST", "comments/" + comment.id + "/reports", { reason: "" }).then(function () {
        say(t.reported, false);
        button.remove();
        item.querySelector("article").focus();
      }, function (problem) {
        button.disabled = false;
        say(t.reportFailed + " " + problem.detail, true);
      });
    });
    return button;
  }

  function field(form, name, label, control, hint) {
    var id = uid(name);
    control.id = id;
    control.name = name;
    var errorId = id + "-error";
    var described = [errorId];
    var parts = [h("label", { "for": id }, [label])];
    if (hint) { parts.push(h("span", { "class": "hint", id: id + "-hint" }, [hint])); described.unshift(id + "-hint"); }
    control.setAttribute("aria-describedby", described.join(" "));
    parts.push(control, h("span", { "class": "error", id: errorId }));
    form.appendChild(h("div", { "class": "field" }, parts));
  }

  /* The form: name, email, text and the honeypot; a reply's names its parent. */
  function commentForm(parent, onCancel) {
    var form = h("form", { novalidate: true, "aria-label": parent ? t.replyTo(parent.author_name) : t.write });
    field(form, "author_name", t.name, h("input", { type: "text", autocomplete: "name", maxlength: "80", required: true }));
    field(form, "email", t.email, h("input", { type: "email", autocomplete: "email", maxlength: "254", required: true }));
    field(form, "text", t.text, h("textarea", { rows: "5", maxlength: "20000", required: true }), t.hint);
    var trap = h("input", { type: "text", name: "website", tabindex: "-1", autocomplete: "off" });
    form.appendChild(h("div", { "class": "trap", "aria-hidden": "true" }, [h("label", {}, [t.trap, trap])]));
    var send = h("button", { type: "submit", "class": "primary" }, [t.send]);
    var buttons = h("div", { "class": "actions" }, [send]);
    if (onCancel) {
      var cancel = h("button", { type: "button" }, [t.cancel]);
      cancel.addEventListener("click", onCancel);
      buttons.appendChild(cancel);
    }
    form.appendChild(buttons);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(form, send, parent, onCancel);
    });
    return form;
  }

  function submit(form, send, parent, onDone) {
    clearErrors(form);
    var value = function (name) { return form.elements[name].value; };
    var body = { author_name: value("author_name"), email: value("email"), text: value("text"), website: value("website") };
    if (parent) body.parent_id = parent.id;
    send.disabled = true;
    send.textContent = t.sending;
    request("POST", "comments", body).then(function (posted) {
      form.elements.text.value = "";
      own[posted.id] = { token: posted.author_token, until: Date.parse(posted.editable_until), text: body.text };
      if (posted.awaiting_verification) {
        say(t.verify, false, true);
        if (onDone) form.remove();
      } else if (posted.status === "approved") {
        var item = place(posted.comment);
        say(t.published, false);
        if (onDone) form.remove();
        item.querySelector("article").focus();
      } else {
        say(t.pending, false, true);
        if (onDone) form.remove();
      }
    }, function (problem) {
      showProblem(form, problem, t.failed);
    }).then(function () {
      send.disabled = false;
      send.textContent = t.send;
    });
  }

  /* A comment just posted and shown: under its parent, or first (or last) in the thread. */
  function place(comment) {
    var item = commentItem(comment);
    var parent = comment.parent_id && root.querySelector('li[data-id="' + comment.parent_id + '"]');
    if (parent) {
      var replies = parent.querySelector(":scope > .replies");
      if (!replies) { replies = h("ul", { "class": "replies" }); parent.appendChild(replies); }
      replies.appendChild(item);
    } else if (order === "newest") {
      ui.thread.insertBefore(item, ui.thread.firstChild);
    } else {
      ui.thread.appendChild(item);
    }
    ui.count.textContent = t.count(++ui.visible);
    ui.none.hidden = true;
    return item;
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (control) {
      control.removeAttribute("aria-invalid");
    });
    Array.prototype.forEach.call(form.querySelectorAll(".error"), function (span) { span.textContent = ""; });
  }

  /* The API's problem: its detail in the status, each field's message beside the field, and
   * focus on the first field named (else on the status). */
  function showProblem(form, problem, prefix) {
    var first = null;
    problem.errors.forEach(function (error) {
      var name = String(error.location || "").replace(/^body\./, "");
      var control = form.elements[name];
      if (!control || name === "website") return;
      control.setAttribute("aria-invalid", "true");
      document.getElementById(control.id + "-error").textContent = String(error.message || "");
      first = first || control;
    });
    say(prefix + " " + problem.detail, true, !first);
    if (first) first.focus();
  }

  /* The live region: read out politely; focused when nothing else takes focus. */
  function say(text, failed, focus) {
    ui.status.textContent = text;
    ui.status.className = failed ? "status failed" : "status";
    if (focus) ui.status.focus();
  }

  function loadPage(cursor) {
    var query = "comments?order=" + order + "&limit=" + PAGE + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    return request("GET", query).then(function (page) {
      var firstNew = null;
      page.items.forEach(function (comment) {
        var item = commentItem(comment);
        ui.thread.appendChild(item);
        firstNew = firstNew || item;
      });
      ui.more.hidden = !page.next_cursor;
      ui.cursor = page.next_cursor;
      ui.none.hidden = ui.thread.childNodes.length > 0;
      return firstNew;
    });
  }

  function start(count) {
    ui.open = count.open;
    ui.visible = count.visible;
    var headingId = uid("heading");
    ui.count = h("h2", { id: headingId }, [t.count(count.visible)]);
    ui.status = h("p", { "class": "status", role: "status", tabindex: "-1" });
    ui.thread = h("ul", { "class": "thread", "aria-labelledby": headingId });
    ui.none = h("p", { "class": "muted", hidden: true }, [t.none]);
    ui.more = h("button", { type: "button", hidden: true }, [t.more]);
    ui.more.addEventListener("click", function () {
      ui.more.disabled = true;
      loadPage(ui.cursor).then(function (firstNew) {
        if (firstNew) firstNew.querySelector("article").focus();
      }, function (problem) { say(t.loadFailed + " " + problem.detail, true); }).then(function () {
        ui.more.disabled = false;
      });
    });
    var writing = count.open
      ? [h("h3", {}, [t.write]), commentForm(null, null)]
      : [h("p", { "class": "muted" }, [t.closed])];
    [ui.count, ui.status].concat(writing, [ui.thread, ui.none, ui.more]).forEach(function (node) {
      root.appendChild(node);
    });
    return loadPage(null);
  }

  /* The embedding page sizes the frame to its content (widget.js checks where this comes from). */
  function reportHeight() {
    parent.postMessage({ newsroomComments: "height", height: document.documentElement.scrollHeight }, "*");
  }

  document.documentElement.lang = lang;
  document.title = t.title;
  root.appendChild(h("p", { "class": "muted", role: "status" }, [t.loading]));
  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.body);
  var ready = release ? request("GET", "comment-count") : Promise.reject({ status: 404, detail: "" });
  ready.then(function (count) {
    root.textContent = "";
    return start(count);
  }).catch(function (problem) {
    root.textContent = "";
    root.appendChild(h("p", { "class": "muted" }, [problem && problem.status === 404 ? t.unavailable : t.loadFailed]));
  }).then(function () {
    root.setAttribute("aria-busy", "false");
    reportHeight();
  });
})();
