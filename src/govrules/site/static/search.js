// Client-side search over window.GOVRULES_INDEX ([type, jurisdiction, title, text, href]), offline and from file://.
(function () {
  "use strict";
  var index = window.GOVRULES_INDEX || [];
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var count = document.getElementById("count");
  var KIND = { article: "条文 article", rule: "规则 rule", audit: "审计 check", topic: "专题 topic" };
  var hay = index.map(function (e) { return (e[1] + " " + e[2] + " " + e[3]).toLowerCase(); });

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function snippet(text, term) {
    var at = text.toLowerCase().indexOf(term);
    var from = Math.max(0, at - 40);
    var s = el("span", "snip");
    if (at < 0) { s.textContent = text.slice(0, 120); return s; }
    s.appendChild(document.createTextNode((from ? "…" : "") + text.slice(from, at)));
    s.appendChild(el("mark", null, text.slice(at, at + term.length)));
    s.appendChild(document.createTextNode(text.slice(at + term.length, at + term.length + 80) + "…"));
    return s;
  }
  function run() {
    var q = input.value.trim().toLowerCase();
    list.textContent = "";
    if (!q) { count.textContent = ""; return; }
    var terms = q.split(/\s+/);
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var ok = true;
      for (var t = 0; t < terms.length && ok; t++) ok = hay[i].indexOf(terms[t]) >= 0;
      if (ok) found.push(i);
    }
    count.textContent = found.length + " 条结果 results" + (found.length > 200 ? " (first 200 shown)" : "");
    found.slice(0, 200).forEach(function (i) {
      var e = index[i];
      var li = el("li");
      li.appendChild(el("span", "kind", KIND[e[0]] || e[0]));
      var a = el("a", null, (e[1] ? e[1] + " · " : "") + e[2]);
      a.href = e[4];
      li.appendChild(a);
      li.appendChild(snippet(e[3], terms[0]));
      list.appendChild(li);
    });
  }
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) input.value = params.get("q");
  input.addEventListener("input", run);
  run();
})();
