"""An interactive graph explorer: one self-contained HTML file, in Jupyter and in a browser.

The graph is laid out by the real ``dot`` (as ``draw_graph`` draws it); a little plain
JavaScript and CSS, embedded in the page, make it interactive: hover a wire or a gate to
read how its gradient was computed, click a node to see its paths to the output and the
chain rule along them, step through the forward and backward passes (buttons, slider, arrow
keys), nudge an input and compare the change the gradient predicts with the one measured,
and download the current view as SVG. Nothing is fetched from any network, nothing is
installed: the file opens from disk, years from now.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from autograd import Node, Value, backward_pass, edge_grad, forward_order, local_derivative, ops

from .diagram import LARGE_GRAPH, _Drawing, fmt
from .render import render_bytes

EPSILONS = (1.0, -1.0, 0.1, -0.1, 0.01, -0.01)  # the nudges a page offers
NUDGE_NODES = 500  # above this many nodes, measuring every nudge would take too long
_COUNTER = itertools.count(1)


class Explorer:
    """The explorer of one graph. Shows inline in Jupyter (``_repr_html_``); ``save(path)``
    writes one HTML file. In a notebook opened untrusted the static diagram is shown."""

    def __init__(self, fragment: str, data: dict[str, Any]) -> None:
        self.fragment, self.data = fragment, data

    def _repr_html_(self) -> str:
        return self.fragment

    def save(self, path: str | Path) -> Path:
        """Write the explorer as one self-contained HTML page."""
        path = Path(path)
        if not path.parent.is_dir():
            raise FileNotFoundError(f"Explorer.save: the folder {path.parent} does not exist")
        page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<title>backprop-lens explorer</title></head><body>"
                f"{self.fragment}</body></html>\n")
        path.write_text(page, encoding="utf-8")
        return path


def explore(root: Node, model: Any = None, check: Any = None, precision: int = 4,
            theme: Any = None, max_nodes: int | None = LARGE_GRAPH, focus: Node | None = None,
            depth: int = 3) -> Explorer:
    """An :class:`Explorer` of everything ``root`` was computed from (see the module's
    docstring). The gradients are computed here; ``.grad`` is left as it was.

    ``model=``: a second view, each of the model's top-level modules collapsed to one node;
    the button ``modules`` switches between the boxed and the collapsed view. ``check=``: a
    report of ``viz.check`` (right and wrong answers coloured as in ``draw_graph``), or a
    ``Worksheet``, whose blanks become input boxes that the page checks with ``viz.check``'s
    tolerances (a decimal comma is accepted). The answers are then in the file: for a graded
    test, collect the numbers and use ``viz.check`` on the teacher's side instead.

    Size limits as :func:`viz.draw_graph`'s: above ``max_nodes`` nodes (1,000) the part
    nearest the output is shown, with a warning that says how to show another part
    (``focus=node, depth=k``, the neighbourhood of one node).
    """
    if not isinstance(root, Node):
        raise TypeError(f"explore needs a Value or Tensor, got {type(root).__name__}")
    from .worksheet import Worksheet

    passed = backward_pass(root)
    grads = {id(n): g for n, g in passed}
    sheet = check if isinstance(check, Worksheet) else None
    marks = None
    if sheet is not None:
        marks = sheet.marks
    elif check is not None:
        if not hasattr(check, "marks"):
            raise TypeError(f"explore: check must be a report of viz.check or a Worksheet, "
                            f"got {type(check).__name__}")
        marks = check.marks()
    drawing = _Drawing(root, "circuit", "LR", True, precision, model, False, max_nodes,
                       grad_of=lambda n: grads[id(n)], who="explore", theme=theme,
                       expand=True, marks=marks, focus=focus, depth=depth)
    svg = _svg(drawing.graph())
    data = _data(root, drawing, passed, grads, precision)
    views = f'<div class="bpl-graph">{svg}</div>'
    if model is not None:
        collapsed = _Drawing(root, "circuit", "LR", True, precision, model, True, 10**9,
                             grad_of=lambda n: grads[id(n)], who="explore", theme=theme)
        views += f'<div class="bpl-graph bpl-collapsed" hidden>{_svg(collapsed.graph())}</div>'
        data["views"] = True
    if sheet is not None:
        data["blanks"] = [{"id": b.id, "label": b.label, "quantity": b.quantity,
                           "answer": float(b.answer)} for b in sheet.blanks
                          if isinstance(b.answer, float)]
        data["rtol"], data["atol"] = 1e-3, 1e-6
    uid = f"bpl{next(_COUNTER)}"
    fragment = (f'<div class="bpl" id="{uid}" tabindex="0">'
                f"<style>{_CSS.replace('#UID', '#' + uid)}</style>"
                f'<div class="bpl-controls" hidden>{_CONTROLS}'
                + ('<button class="bpl-views" title="collapse or expand the modules">modules'
                   "</button>" if model is not None else "") + "</div>"
                f'<div class="bpl-body"><div class="bpl-views-box">{views}</div>'
                f'<div class="bpl-panel" hidden><p class="bpl-hint">Hover a wire or a gate; '
                f"click a node.</p></div></div>"
                f'<script type="application/json" class="bpl-data">'
                f"{_safe_json(data)}</script>"
                f"<script>{_JS}\nbplStart(document.getElementById({json.dumps(uid)}));"
                f"</script></div>")
    return Explorer(fragment, data)


def _svg(graph: Any) -> str:
    svg = render_bytes(graph, "svg").decode("utf-8")
    return svg[svg.index("<svg"):]  # without the XML prologue: it is embedded in HTML


def _data(root: Node, drawing: _Drawing, passed: list, grads: dict, precision: int) -> dict:
    def show(x: Any) -> str:
        return fmt(x, precision)

    ids = drawing.ids
    every = forward_order(root)
    nodes = [n for n in every if id(n) in ids]
    names = {id(n): drawing.name(n) or ops.symbol(n.op) for n in nodes}
    for n in nodes:  # inputs outside the part drawn (a large graph, or focus=) are "⋯"
        names.update((id(p), "⋯") for p in n.parents if id(p) not in ids)
    forward = [ids[id(n)] for n in nodes if n.parents]
    backward = [ids[id(n)] for n, _ in passed if id(n) in ids]
    drawn_root = id(root) in ids
    top = root if drawn_root else nodes[-1]  # focus= away from the output: its newest node
    out_id = ids[id(top)] + "_out"
    data: dict[str, Any] = {"nodes": {}, "edges": {}, "forward": forward,
                            "backward": backward, "root": ids[id(top)], "out": out_id}
    for n in nodes:
        entry = {"name": names[id(n)], "op": n.op, "value": show(n.data),
                 "grad": show(grads[id(n)]) if n.requires_grad else None,
                 "leaf": not n.parents, "gates": []}
        for i, parent in enumerate(n.parents):
            formula = ops.formula(n.op, i, a=names[id(n.parents[0])],
                                  b=names[id(n.parents[1])] if len(n.parents) > 1 else "")
            local = local_derivative(n, i) if isinstance(n.data, float) else None
            entry["gates"].append({"input": names[id(parent)], "formula": formula or "",
                                   "local": None if local is None else show(local)})
        data["nodes"][ids[id(n)]] = entry
    for child in nodes:
        for i, parent in enumerate(child.parents):
            if id(parent) not in ids:  # a wire from outside the part drawn
                continue
            key = f"{ids[id(parent)]}->{ids[id(child)]}"
            g = edge_grad(child, i, grads[id(child)]) if parent.requires_grad else None
            local = local_derivative(child, i) if isinstance(child.data, float) else None
            formula = data["nodes"][ids[id(child)]]["gates"][i]["formula"]
            product = None
            if g is not None and local is not None:
                product = (f"∂out/∂{names[id(parent)]} ← ∂out/∂{names[id(child)]} · "
                           f"{formula} = {show(grads[id(child)])} · {show(local)} = {show(g)}")
            data["edges"][key] = {"tail": ids[id(parent)], "head": ids[id(child)],
                                  "name": names[id(parent)], "into": names[id(child)],
                                  "value": show(parent.data),
                                  "grad": None if g is None else show(g),
                                  "formula": formula, "local": None if local is None
                                  else show(local), "l": local, "product": product}
    data["edges"][f"{ids[id(top)]}->{out_id}"] = {
        "tail": ids[id(top)], "head": out_id, "name": names[id(top)], "into": "out",
        "value": show(top.data), "grad": show(grads[id(top)]), "formula": "",
        "local": None, "product": "the seed: ∂out/∂out = 1" if drawn_root else
        "the gradient from the part of the graph not drawn"}
    # (nudging an input recomputes the whole graph: only when all of it is drawn)
    data["nudges"] = _nudges(root, nodes, ids, grads, precision) \
        if len(nodes) == len(every) else {}
    data["captions"] = _captions(data, names, nodes, ids)
    return data


def _nudges(root: Node, nodes: list[Node], ids: dict, grads: dict,
            precision: int) -> dict[str, dict[str, list[str]]]:
    """For each input of a Value graph: the change of the output the gradient predicts for
    each ε, and the change measured by computing the graph again."""
    if not isinstance(root, Value) or len(nodes) > NUDGE_NODES:
        return {}
    from .check import _replay

    found = {}
    for leaf in [n for n in nodes if not n.parents and n.requires_grad]:
        changes = {}
        for eps in EPSILONS:
            replayed = _replay(nodes, {id(leaf): leaf.data + eps})
            if replayed is None:
                return {}
            measured = replayed[id(root)].data - root.data
            changes[f"{eps:g}"] = [fmt(grads[id(leaf)] * eps, precision), fmt(measured, precision)]
        found[ids[id(leaf)]] = changes
    return found


def _captions(data: dict, names: dict, nodes: list[Node], ids: dict) -> list[str]:
    by_id = {ids[id(n)]: n for n in nodes}
    captions = ["the start: only the inputs are known"]
    for key in data["forward"]:
        n = by_id[key]
        args = ", ".join(names[id(p)] for p in n.parents)
        captions.append(f"forward: {names[id(n)]} = {ops.symbol(n.op)}({args}) = "
                        f"{data['nodes'][key]['value']}")
    for key in data["backward"]:
        node = data["nodes"][key]
        captions.append(f"backward: ∂out/∂{node['name']} = {node['grad']} is complete"
                        + ("" if node["leaf"] else "; it flows on to the inputs of "
                           f"{ops.symbol(by_id[key].op)}"))
    return captions


def _safe_json(data: dict) -> str:
    """JSON that can sit inside a <script> element (no "</" to end it early)."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


_CONTROLS = ('<button class="bpl-home" title="the start (Home)">«</button>'
             '<button class="bpl-prev" title="one step back (←)">◀</button>'
             '<input class="bpl-slider" type="range" min="0" value="0">'
             '<button class="bpl-next" title="one step on (→)">▶</button>'
             '<button class="bpl-end" title="the last step (End)">»</button>'
             '<span class="bpl-caption"></span>'
             '<button class="bpl-export" title="download the current view as SVG">SVG</button>')

_CSS = """
#UID { font-family: Helvetica, Arial, sans-serif; outline: none; }
#UID .bpl-controls { display: flex; gap: 0.4em; align-items: center; margin: 0.3em 0;
  flex-wrap: wrap; }
#UID .bpl-controls button { font-size: 1em; padding: 0.1em 0.5em; cursor: pointer; }
#UID .bpl-slider { flex: 0 1 14em; }
#UID .bpl-caption { flex: 1 1 20em; font-size: 1.05em; }
#UID .bpl-body { display: flex; gap: 1em; align-items: flex-start; }
#UID .bpl-graph { overflow-x: auto; flex: 1 1 auto; }
#UID .bpl-graph svg { max-width: none; }
#UID .bpl-panel { flex: 0 0 22em; border: 1px solid #ccc; border-radius: 6px;
  padding: 0.6em; font-size: 1.05em; background: #fbfbfb; white-space: pre-wrap; }
#UID .bpl-panel h4 { margin: 0 0 0.3em 0; }
#UID .bpl-panel .bpl-red { color: #c0392b; }
#UID g.edge, #UID g.node { cursor: pointer; }
#UID g.bpl-on path, #UID g.bpl-on polygon { stroke: #d35400; stroke-width: 3; }
#UID g.bpl-hidden-value text.bpl-value, #UID g.bpl-hidden-grad text.bpl-grad {
  visibility: hidden; }
"""

_JS = r"""
function bplStart(root) {
  if (!root || root.dataset.started) return;
  root.dataset.started = "1";
  var data = JSON.parse(root.querySelector("script.bpl-data").textContent);
  var svg = root.querySelector(".bpl-graph svg");
  var views = root.querySelectorAll(".bpl-graph");
  var viewButton = root.querySelector(".bpl-views");
  function toggleViews() { views.forEach(function (v) { v.hidden = !v.hidden; }); }
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
    var h = "<h4>wire " + esc(e.name) + " → " + esc(e.into) + "</h4>";
    h += "value: " + esc(e.value) + "\n";
    if (e.grad !== null) h += '<span class="bpl-red">gradient: ' + esc(e.grad) + "</span>\n";
    if (e.formula) h += "local derivative ∂" + esc(e.into) + "/∂" + esc(e.name) + " = " +
      esc(e.formula) + (e.local !== null ? " = " + esc(e.local) : "") + "\n";
    if (e.product) h += esc(e.product);
    panel.innerHTML = h;
  }
  function showGate(key) {
    var n = data.nodes[key]; if (!n) return;
    var h = "<h4>" + esc(n.name) + (n.leaf ? " (an input)" : " (" + esc(n.op) + ")") + "</h4>";
    h += "value: " + esc(n.value) + "\n";
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
    var lines = ["∂out/∂" + n.name + ": " + ps.length + " path(s) to the output"], total = 0;
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
      lines.push("path " + (i + 1) + ":\n    " + factors.join("\n    ") +
                 "\n    product = " + +product.toPrecision(6));
    });
    lines.push("sum over paths = " + +total.toPrecision(8) + "   (backprop gives " + n.grad + ")");
    return lines.join("\n");
  }
  function select(key) {
    Object.keys(edges).forEach(function (k) { edges[k].classList.remove("bpl-on"); });
    var ps = paths(key), lit = {};
    ps.forEach(function (p) { p.forEach(function (k) { lit[k] = true; }); });
    Object.keys(lit).forEach(function (k) { if (edges[k]) edges[k].classList.add("bpl-on"); });
    var n = data.nodes[key]; if (!n) return;
    var h = "<h4>" + esc(n.name) + ": its paths to the output</h4>";
    h += esc(key === data.root ? "the output itself: ∂out/∂out = 1" : chain(key, n, ps));
    var nudges = data.nudges[key];
    if (nudges) {
      h += "\n\n<b>nudge " + esc(n.name) + " by ε:</b>\n";
      Object.keys(nudges).forEach(function (eps) {
        h += '<button class="bpl-nudge" data-eps="' + esc(eps) + '">' + esc(eps) + "</button> ";
      });
      h += '\n<span class="bpl-nudged"></span>';
    }
    panel.innerHTML = h;
    panel.querySelectorAll("button.bpl-nudge").forEach(function (b) {
      b.addEventListener("click", function () {
        var pair = nudges[b.dataset.eps];
        panel.querySelector(".bpl-nudged").textContent = "ε = " + b.dataset.eps +
          ": the gradient predicts Δout ≈ " + pair[0] + "; computed again, Δout = " + pair[1];
      });
    });
  }
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
    caption.textContent = "step " + step + " of " + steps + ": " + data.captions[step];
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
    var h = "<h4>practice: fill in the blanks</h4>";
    data.blanks.forEach(function (b) {
      h += '<label>' + esc(b.id) + " (" + esc(b.quantity) + " of " + esc(b.label) + ') ' +
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
        verdict.textContent = ok ? "✓ right" : "✗ not yet";
        verdict.style.color = ok ? "#1e8449" : "#b9770e";
        root.dataset["blank" + b.id.slice(1)] = ok ? "right" : "wrong";
      });
      input.addEventListener("keydown", function (event) { event.stopPropagation(); });
    });
  }
  show(steps);
}
"""
