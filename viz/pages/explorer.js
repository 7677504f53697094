function bplStart(root) {
  if (!root || root.dataset.started) return;
  root.dataset.started = "1";
  var data = JSON.parse(root.querySelector("script.bpl-data").textContent);
  function w(text) { return (data.words && data.words[text]) || text; }  // in the page's language
  function fill(text, values) {  // "{name}" in a translated text replaced by its value
    return w(text).replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  var svg = root.querySelector(".bpl-graph svg");
  var views = root.querySelectorAll(".bpl-graph");
  var viewButton = root.querySelector(".bpl-views");
  function toggleViews() { views.forEach(function (v) { v.hidden = !v.hidden; }); fit(); }
  if (viewButton) viewButton.addEventListener("click", toggleViews);
  if (views.length > 1) {  // a module's box (boxed view) or node (collapsed view) switches
    views[0].querySelectorAll("g.cluster").forEach(function (g) {
      g.addEventListener("click", toggleViews);
    });
    views[1].querySelectorAll("g.node").forEach(function (g) {
      if (g.querySelector("title").textContent.indexOf("m_") === 0) {
        g.style.cursor = "pointer";
        g.addEventListener("click", toggleViews);
      }
    });
  }
  function fit() {  // the graph fills its room: up to 2x larger, or up to 30% smaller; a
    views.forEach(function (v) {  // graph larger still keeps its size and scrolls in place
      var s = v.querySelector("svg");
      if (!s || v.hidden) return;
      var natural = parseFloat(s.getAttribute("width")) * 4 / 3;  // dot writes points
      var room = v.clientWidth - 4;
      var width = natural < room ? Math.min(room, 2 * natural) :
        natural <= room / 0.7 ? room : natural;
      s.style.width = width + "px";
    });
  }
  window.addEventListener("resize", fit);
  var panel = root.querySelector(".bpl-panel");
  var controls = root.querySelector(".bpl-controls");
  controls.hidden = false; panel.hidden = false;
  var slider = root.querySelector(".bpl-slider");
  var caption = root.querySelector(".bpl-caption");
  var steps = data.captions.length - 1;
  slider.max = String(steps);
  var RED = "#c0392b";
  var edges = {}, nodes = {};
  svg.querySelectorAll("g.edge").forEach(function (g) {
    var key = g.querySelector("title").textContent.replace("&#45;&gt;", "->");
    edges[key] = g;
    g.querySelectorAll("text").forEach(function (t) {
      t.classList.add((t.getAttribute("fill") || "").toLowerCase() === RED ? "bpl-grad"
                                                                           : "bpl-value");
    });
    if (!data.blanks) g.addEventListener("mouseenter", function () { showEdge(key); });
  });
  svg.querySelectorAll("g.node").forEach(function (g) {
    var key = g.querySelector("title").textContent;
    nodes[key] = g;
    g.querySelectorAll("text").forEach(function (t) {
      if ((t.getAttribute("fill") || "").toLowerCase() === RED) t.classList.add("bpl-grad");
    });
    if (data.blanks) return;  // practice: the panel holds the blanks, not the answers
    g.addEventListener("mouseenter", function () { showGate(key); });
    g.addEventListener("click", function (event) { event.stopPropagation(); select(key); });
  });
  function esc(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }
  function showEdge(key) {
    var e = data.edges[key]; if (!e) return;
    var h = "<h4>" + esc(w("wire")) + " " + esc(e.name) + " → " + esc(e.into) + "</h4>";
    h += esc(w("value")) + ": " + esc(e.value) + "\n";
    if (e.grad !== null) h += '<span class="bpl-red">' + esc(w("gradient")) + ": " + esc(e.grad) + "</span>\n";
    if (e.formula) h += esc(w("local derivative")) + " ∂" + esc(e.into) + "/∂" + esc(e.name) + " = " +
      esc(e.formula) + (e.local !== null ? " = " + esc(e.local) : "") + "\n";
    if (e.product) h += esc(e.product);
    panel.innerHTML = h;
  }
  function showGate(key) {
    var n = data.nodes[key]; if (!n) return;
    var h = "<h4>" + esc(n.name) + (n.leaf ? " (" + esc(w("an input")) + ")" : " (" + esc(n.op) + ")") + "</h4>";
    h += esc(w("value")) + ": " + esc(n.value) + "\n";
    if (n.grad !== null) h += '<span class="bpl-red">∂out/∂' + esc(n.name) + " = " +
      esc(n.grad) + "</span>\n";
    n.gates.forEach(function (g) {
      h += "∂" + esc(n.name) + "/∂" + esc(g.input) + " = " + esc(g.formula) +
        (g.local !== null ? " = " + esc(g.local) : "") + "\n";
    });
    panel.innerHTML = h;
  }
  var consumers = {};
  Object.keys(data.edges).forEach(function (k) {
    var e = data.edges[k];
    (consumers[e.tail] = consumers[e.tail] || []).push(k);
  });
  function paths(key) {  // every path from key to the output, as lists of wires (at most 50)
    var found = [], stack = [[key, []]];
    while (stack.length && found.length < 50) {
      var top = stack.pop(), at = top[0], so = top[1];
      if (at === data.out) { found.push(so); continue; }
      (consumers[at] || []).slice().reverse().forEach(function (k) {
        stack.push([data.edges[k].head, so.concat([k])]);
      });
    }
    return found;
  }
  function chain(key, n, ps) {  // the chain rule, path by path, as explain() writes it
    var lines = ["∂out/∂" + n.name + ": " + fill(ps.length === 1 ? "one path to the output" : "{n} paths to the output", {n: ps.length})], total = 0;
    ps.forEach(function (p, i) {
      var product = 1, factors = [];
      p.forEach(function (k) {
        var e = data.edges[k];
        if (e.head === data.out) return;
        if (e.l === null || e.l === undefined) { product = NaN; return; }
        product *= e.l;
        factors.push("∂" + e.into + "/∂" + e.name + " = " + e.formula + " = " + e.local);
      });
      total += product;
      lines.push(w("path") + " " + (i + 1) + ":\n    " + factors.join("\n    ") +
                 "\n    " + w("product") + " = " + +product.toPrecision(6));
    });
    lines.push(w("sum over paths") + " = " + +total.toPrecision(8) + "   (" + w("backprop gives") + " " + n.grad + ")");
    return lines.join("\n");
  }
  function select(key) {
    Object.keys(edges).forEach(function (k) { edges[k].classList.remove("bpl-on"); });
    var ps = paths(key), lit = {};
    ps.forEach(function (p) { p.forEach(function (k) { lit[k] = true; }); });
    Object.keys(lit).forEach(function (k) { if (edges[k]) edges[k].classList.add("bpl-on"); });
    var n = data.nodes[key]; if (!n) return;
    var h = "<h4>" + esc(n.name) + ": " + esc(w("its paths to the output")) + "</h4>";
    h += esc(key === data.root ? w("the output itself: ∂out/∂out = 1") : chain(key, n, ps));
    var nudges = data.nudges[key];
    if (nudges) {
      h += "\n\n<b>" + esc(fill("nudge {name} by ε:", {name: n.name})) + "</b>\n";
      Object.keys(nudges).forEach(function (eps) {
        h += '<button class="bpl-nudge" data-eps="' + esc(eps) + '">' + esc(eps) + "</button> ";
      });
      h += '\n<span class="bpl-nudged"></span>';
    }
    panel.innerHTML = h;
    panel.querySelectorAll("button.bpl-nudge").forEach(function (b) {
      b.addEventListener("click", function () {
        var pair = nudges[b.dataset.eps];
        panel.querySelector(".bpl-nudged").textContent = "ε = " + b.dataset.eps + ": " +
          fill("the gradient predicts Δout ≈ {predicted}; computed again, Δout = {measured}",
               {predicted: pair[0], measured: pair[1]});
      });
    });
  }
  var solved = {};  // practice: blank id -> its number, once answered right
  function show(step) {
    step = Math.max(0, Math.min(steps, step));
    slider.value = String(step);
    var forward = data.forward.length;
    var known = {}, complete = {};
    Object.keys(data.nodes).forEach(function (k) { if (data.nodes[k].leaf) known[k] = true; });
    data.forward.slice(0, Math.min(step, forward)).forEach(function (k) { known[k] = true; });
    data.backward.slice(0, Math.max(0, step - forward)).forEach(function (k) {
      complete[k] = true;
    });
    Object.keys(edges).forEach(function (key) {
      var e = data.edges[key], g = edges[key]; if (!e) return;
      g.classList.toggle("bpl-hidden-value", !known[e.tail]);
      var head = e.head === data.out ? data.root : e.head;
      g.classList.toggle("bpl-hidden-grad", !complete[head]);
    });
    Object.keys(nodes).forEach(function (key) {
      nodes[key].classList.toggle("bpl-hidden-grad", !!data.nodes[key] && !complete[key]);
    });
    var text = data.captions[step];
    Object.keys(solved).forEach(function (id) {  // a blank answered right shows its number
      text = text.replace(new RegExp("\\" + id + "(?!\\d)", "g"), solved[id]);
    });
    caption.textContent = fill("step {k} of {n}", {k: step, n: steps}) + ": " + text;
    root.dataset.step = String(step);
  }
  root.querySelector(".bpl-home").addEventListener("click", function () { show(0); });
  function by(delta) { return function () { show(+slider.value + delta); }; }
  root.querySelector(".bpl-prev").addEventListener("click", by(-1));
  root.querySelector(".bpl-next").addEventListener("click", by(1));
  root.querySelector(".bpl-end").addEventListener("click", function () { show(steps); });
  slider.addEventListener("input", function () { show(+slider.value); });
  root.addEventListener("keydown", function (event) {
    var k = event.key, s = +slider.value;
    if (k === "ArrowRight") show(s + 1); else if (k === "ArrowLeft") show(s - 1);
    else if (k === "Home") show(0); else if (k === "End") show(steps); else return;
    event.preventDefault();
    event.stopPropagation();  // in Jupyter, the notebook's own shortcuts must not see it
  });
  if (document.body && root.parentElement === document.body) root.focus();
  root.querySelector(".bpl-export").addEventListener("click", function () {
    var text = new XMLSerializer().serializeToString(svg);
    var link = document.createElement("a");
    link.href = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
    link.download = "graph.svg"; link.click();
  });
  root.dataset.ready = String(performance.now());  // handlers attached (the benchmark reads it)
  if (data.blanks) practice();
  function practice() {
    var h = "<h4>" + esc(w("practice: fill in the blanks")) + "</h4>";
    data.blanks.forEach(function (b) {
      h += '<label>' + esc(b.id) + " (" + esc(fill("{quantity} of {label}", {quantity: w(b.quantity), label: b.label})) + ') ' +
        '<input class="bpl-answer" data-id="' + esc(b.id) + '" size="9"></label> ' +
        '<span class="bpl-verdict" data-id="' + esc(b.id) + '"></span>\n';
    });
    panel.innerHTML = h;
    panel.querySelectorAll("input.bpl-answer").forEach(function (input) {
      input.addEventListener("change", function () {
        var b = data.blanks.filter(function (x) { return x.id === input.dataset.id; })[0];
        var given = parseFloat(input.value.trim().replace(",", "."));
        var ok = isFinite(given) && Math.abs(given - b.answer) <= data.atol +
          data.rtol * Math.abs(b.answer);
        var verdict = panel.querySelector('.bpl-verdict[data-id="' + b.id + '"]');
        verdict.textContent = ok ? "✓ " + w("right") : "✗ " + w("not yet");
        verdict.style.color = ok ? data.colours.right : data.colours.wrong;
        verdict.style.fontWeight = ok ? "normal" : "bold";
        root.dataset["blank" + b.id.slice(1)] = ok ? "right" : "wrong";
        if (ok) solved[b.id] = b.shown; else delete solved[b.id];
        show(+slider.value);
      });
      input.addEventListener("keydown", function (event) { event.stopPropagation(); });
    });
  }
  fit();
  show(data.blanks ? 0 : steps);  // practice starts before the first number is known
}
