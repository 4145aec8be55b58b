// Refuses a chosen file that is over the size limit before the form is sent: the field is
// emptied (so nothing is uploaded) and a message under it names the file and its size. The
// server checks every file again.
(function () {
  "use strict";
  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1).replace(".", ",") + " Mt";
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var limit = Number(input.getAttribute("data-max-bytes"));
    var note = document.createElement("div");
    note.id = (input.id || input.name) + "-size-error";
    note.className = "invalid-feedback d-block";
    note.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", note);
    input.addEventListener("change", function () {
      var tooLarge = Array.prototype.filter.call(input.files, function (file) {
        return file.size > limit;
      });
      if (tooLarge.length === 0) {
        note.textContent = "";
        input.removeAttribute("aria-invalid");
        return;
      }
      note.textContent = tooLarge
        .map(function (file) {
          return input
            .getAttribute("data-too-large")
            .replace("{name}", file.name)
            .replace("{size}", megabytes(file.size));
        })
        .join(" ");
      input.value = "";
      input.setAttribute("aria-invalid", "true");
      var described = (input.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf(note.id) === -1) {
        input.setAttribute("aria-describedby", described.concat(note.id).join(" ").trim());
      }
    });
  });
})();
