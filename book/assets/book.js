// book.js - a copy button on every code block. The page works without it.
document.querySelectorAll("div.sourceCode, pre:not(.sourceCode)").forEach(function (block) {
  if (block.closest("div.sourceCode") && block.tagName === "PRE") return;
  var pre = block.tagName === "PRE" ? block : block.querySelector("pre");
  if (!pre || !navigator.clipboard) return;
  var holder = block.tagName === "PRE" ? block.parentNode : block;
  if (holder.style) holder.style.position = "relative";
  var button = document.createElement("button");
  button.className = "copy-button";
  button.type = "button";
  button.textContent = "Copy";
  button.addEventListener("click", function () {
    var text = pre.innerText.replace(/^\$ /, "");
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    });
  });
  holder.appendChild(button);
});
