// book.js - one Copy button per code block, copying what it sits on: the
// code of a program or chunk, the command of a run block (as the reader
// types it, without the prompt). An output has none: the command is what a
// reader copies. The page works without this script.
(function () {
  "use strict";
  if (!navigator.clipboard) return;

  function addButton(holder, text) {
    var button = document.createElement("button");
    button.className = "copy-button";
    button.type = "button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy to the clipboard");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(text()).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      });
    });
    holder.classList.add("has-copy");
    holder.style.position = "relative";
    holder.appendChild(button);
  }

  // A run block: its command, the lines after "$ ".
  document.querySelectorAll("div.run").forEach(function (run) {
    var command = run.querySelector(".command");
    if (!command) return;
    var pre = command.tagName === "PRE" ? command : command.querySelector("pre");
    var holder = command.tagName === "PRE" ? command.parentNode : command;
    addButton(holder, function () {
      return pre.innerText.replace(/\n$/, "").split("\n")
        .map(function (line) { return line.replace(/^\$ /, ""); }).join("\n");
    });
  });

  // Every other block: its whole text.
  document.querySelectorAll("div.sourceCode, pre").forEach(function (block) {
    if (block.closest("div.run")) return;                  // done above
    if (block.tagName === "PRE" && block.closest("div.sourceCode")) return;
    var pre = block.tagName === "PRE" ? block : block.querySelector("pre");
    if (!pre) return;
    var holder = block.tagName === "PRE" ? block.parentNode : block;
    if (holder.querySelector(":scope > .copy-button")) return;
    addButton(holder, function () { return pre.innerText.replace(/\n$/, ""); });
  });
})();
