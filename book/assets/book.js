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
    var holder = block;
    if (block.tagName === "PRE") {
      // A plain block: a holder of its own, so that its button is its alone.
      holder = document.createElement("div");
      holder.className = "plain-block";
      block.parentNode.insertBefore(holder, block);
      holder.appendChild(block);
    }
    addButton(holder, function () { return pre.innerText.replace(/\n$/, ""); });
  });
})();

// Search: the index of the whole book (search-index.js, written by weave,
// tangle/search.h) matched by lunr.js (Debian's libjs-lunr). Both are loaded
// with script elements when the reader first uses the box, which works from
// file:// as from any server, with no network.
(function () {
  "use strict";
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  if (!box || !list) return;
  var index = null, docs = null, loading = null;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }

  function ready() {
    if (!loading) {
      loading = load("assets/lunr.js").then(function () { return load("search-index.js"); }).then(function () {
        docs = window.BOOK_SEARCH.docs;
        index = lunr(function () {
          this.ref("i");
          this.field("t", {boost: 4});
          this.field("x");
          docs.forEach(function (d, i) { this.add({i: String(i), t: d.t, x: d.x}); }, this);
        });
      });
    }
    return loading;
  }

  function excerpt(text, words) {
    var lower = text.toLowerCase(), at = -1;
    words.forEach(function (w) {
      var k = lower.indexOf(w.toLowerCase());
      if (k >= 0 && (at < 0 || k < at)) at = k;
    });
    if (at < 0) return text.slice(0, 120) + (text.length > 120 ? "…" : "");
    var from = Math.max(0, at - 50);
    return (from ? "…" : "") + text.slice(from, from + 140) + (from + 140 < text.length ? "…" : "");
  }

  function show(query) {
    var words = query.split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { list.hidden = true; return; }
    var hits = [];
    try {
      hits = index.query(function (q) {
        lunr.tokenizer(query).forEach(function (token) {
          q.term(token, {presence: lunr.Query.presence.REQUIRED});
        });
      });
    } catch (e) { hits = []; }
    hits.slice(0, 20).forEach(function (hit) {
      var d = docs[Number(hit.ref)];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = d.u;
      a.className = "search-hit";
      var where = document.createElement("span");
      where.className = "search-chapter";
      where.textContent = d.c;
      a.appendChild(where);
      var n = document.createElement("span");
      n.className = "secno";
      n.textContent = d.n;
      a.appendChild(n);
      a.appendChild(document.createTextNode(d.t));
      var p = document.createElement("p");
      p.textContent = excerpt(d.x, words);
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
    if (!hits.length) {
      var none = document.createElement("li");
      none.className = "search-none";
      none.textContent = "Nothing in the book matches " + query + ".";
      list.appendChild(none);
    }
    list.hidden = false;
  }

  var timer = null;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { ready().then(function () { show(box.value.trim()); }); }, 120);
  });
  box.addEventListener("focus", function () { ready(); });
  box.form.addEventListener("submit", function (e) {
    e.preventDefault();
    ready().then(function () {
      show(box.value.trim());
      var first = list.querySelector("a");
      if (first) first.focus();
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== box) { e.preventDefault(); box.focus(); }
    if (e.key === "Escape") { list.hidden = true; box.blur(); }
  });
  document.addEventListener("click", function (e) { if (!box.form.contains(e.target)) list.hidden = true; });
})();
