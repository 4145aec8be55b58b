// Saves the nomination form as a draft on the server: every 30 s and whenever a field is left,
// once the form has an e-mail address, and when the page is hidden or closed. The first save
// creates the draft (its link is e-mailed) and moves the page to the draft's own address, so
// that a reload, or sending the nomination, continues the same draft. Without JavaScript the
// "Tallenna luonnos" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-save]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById("draft-status");
  var email = form.querySelector("[name=contact_email]");
  var saveUrl = form.getAttribute("data-draft-save");
  var exists = form.hasAttribute("data-draft-exists"); // is there a draft to update?
  var changed = false;
  var saving = false;
  var clicked = null; // the send button last pressed (for browsers without event.submitter)
  var held = null; // a send pressed while the first save was on its way
  // This page's saves are numbered, so that one arriving late cannot undo a newer one.
  var writer = Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
  var revision = 0;

  function ready() {
    return email && email.value.trim() !== "" && email.checkValidity();
  }

  function fields() {
    var data = new FormData(form);
    data.delete("attachments");
    data.set("action", "draft");
    revision += 1;
    data.set("draft_writer", writer);
    data.set("draft_revision", String(revision));
    return data;
  }

  function show(message) {
    if (status && message) {
      status.textContent = message;
    }
  }

  function send(button) {
    if (exists) {
      form.setAttribute("action", window.location.pathname);
    }
    if (form.requestSubmit) {
      form.requestSubmit(button);
      return;
    }
    if (button && button.name) {
      var choice = document.createElement("input");
      choice.type = "hidden";
      choice.name = button.name;
      choice.value = button.value;
      form.appendChild(choice);
    }
    form.submit();
  }

  function save(leaving) {
    if (!changed) {
      return;
    }
    if (!ready()) {
      if (email && email.value.trim() === "" && status && status.textContent) {
        show(form.getAttribute("data-draft-no-address")); // it was saving, and has stopped
      }
      return;
    }
    // A save on its way holds the next one back, except when the page is going: then the
    // latest texts go at once to a draft that exists (there is no later turn).
    if (saving && !(leaving === true && exists)) {
      return;
    }
    saving = true;
    changed = false;
    show(form.getAttribute("data-draft-saving"));
    // A save that hangs (a network gone quiet) is given up after 15 s and tried again.
    var controller = window.AbortController && !leaving ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, 15000) : 0;
    fetch(saveUrl, {
      method: "POST",
      body: fields(),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      keepalive: leaving === true, // completed by the browser even if the page is closing
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      })
      .then(function (result) {
        show(result.body.message);
        if (result.ok && result.body.save_url) {
          saveUrl = result.body.save_url;
          exists = true;
          if (window.location.pathname !== result.body.url) {
            window.history.replaceState(null, "", result.body.url);
          }
        } else if (result.status !== 410 && result.status !== 404) {
          changed = true; // try again at the next turn
        }
      })
      .catch(function () {
        changed = true;
        show(form.getAttribute("data-draft-failed"));
      })
      .then(function () {
        window.clearTimeout(timer);
        saving = false;
        if (held) {
          var button = held.button;
          held = null;
          send(button);
        }
      });
  }

  form.addEventListener("input", function () {
    changed = true;
  });
  form.addEventListener("change", function () {
    changed = true;
  });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[type=submit]");
    if (button) {
      clicked = button;
    }
  });
  form.addEventListener("focusout", function (event) {
    // Not when the focus goes to a button that sends the form: the form carries the texts.
    var next = event.relatedTarget;
    if (next && next.form === form && next.type === "submit") {
      return;
    }
    if (event.target.matches("input, textarea, select")) {
      save();
    }
  });
  // Sending the form goes to the draft's own address once there is one, so that the draft
  // is sent (and deleted) rather than left behind; while the first save is on its way, the
  // send waits for it.
  form.addEventListener("submit", function (event) {
    if (saving && !exists) {
      event.preventDefault();
      held = { button: event.submitter || clicked };
      return;
    }
    changed = false;
    if (exists) {
      form.setAttribute("action", window.location.pathname);
    }
  });
  // Leaving the page (another tab, the phone's home screen, closing): save what is new.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save(true);
    }
  });
  window.addEventListener("pagehide", function () {
    save(true);
  });
  window.setInterval(save, 30000);
})();
