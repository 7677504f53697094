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

import functools
import html
import itertools
import json
from importlib import resources
from pathlib import Path
from typing import Any

from autograd import (
    Node,
    Value,
    backward_pass,
    edge_grad,
    forward_order,
    local_derivative,
    ops,
    replay,
)
from autograd.language import get_language, tr

from .check import RIGHT_COLOUR, WRONG_COLOUR
from .diagram import LARGE_GRAPH, Drawing, fmt
from .render import render_bytes
from .theme import get_theme

EPSILONS = (1.0, -1.0, 0.1, -0.1, 0.01, -0.01)  # the nudges a page offers
NUDGE_NODES = 500  # above this many nodes, measuring every nudge would take too long
_COUNTER = itertools.count(1)

# the page's own words, translated in Python (tr) and handed to its script in the data
PAGE_WORDS = ("wire", "value", "gradient", "local derivative", "an input",
              "one path to the output", "{n} paths to the output", "path", "product",
              "sum over paths",
              "backprop gives", "its paths to the output", "the output itself: ∂out/∂out = 1",
              "nudge {name} by ε:",
              "the gradient predicts Δout ≈ {predicted}; computed again, Δout = {measured}",
              "step {k} of {n}", "practice: fill in the blanks", "{quantity} of {label}",
              "grad", "right", "not yet")
_TITLES = {"t_home": "the start (Home)", "t_prev": "one step back (←)",
           "t_next": "one step on (→)", "t_end": "the last step (End)",
           "t_slider": "step", "t_export": "download the current view as SVG",
           "t_hint": "Hover a wire or a gate; click a node."}


@functools.cache
def _page(name: str) -> str:
    """A file of the page (HTML template, CSS, JavaScript) shipped in ``viz/pages``."""
    return resources.files("viz").joinpath("pages", name).read_text(encoding="utf-8")


class Explorer:
    """The explorer of one graph. Shows inline in Jupyter (``_repr_html_``); ``save(path)``
    writes one HTML file. In a notebook opened untrusted the static diagram is shown."""

    def __init__(self, fragment: str, data: dict[str, Any], key: Any = None) -> None:
        self.fragment, self.data = fragment, data
        self._key = key  # a practice page: makes the page with the answers shown

    def _repr_html_(self) -> str:
        return self.fragment

    def save(self, path: str | Path, key: bool = False) -> Path:
        """Write the explorer as one self-contained HTML page. For a practice page
        (``explore(root, check=worksheet)``), ``key=True`` writes the answer key instead:
        the same graph with every number shown."""
        path = Path(path)
        if key and self._key is None:
            raise ValueError("Explorer.save: key=True is for a practice page (explore(root, "
                             "check=worksheet)); this page hides no answer")
        if not path.parent.is_dir():
            raise FileNotFoundError(f"Explorer.save: the folder {path.parent} does not exist")
        lang = self.data.get("lang", "en")
        page = (f'<!DOCTYPE html>\n<html lang="{lang}"><head>'
                "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                "<title>backprop-lens explorer</title></head><body>"
                f"{self._key() if key else self.fragment}</body></html>\n")
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
    drawing = Drawing(root, "circuit", "LR", True, precision, model, False, max_nodes,
                      grad_of=lambda n: grads[id(n)], who="explore", theme=theme,
                      expand=True, marks=marks, focus=focus, depth=depth)
    svg = _svg(drawing.graph())
    # a practice page: the numbers its blanks ask for never reach a caption or a panel
    hidden = {} if sheet is None else {
        (id(b.node), b.quantity): b.id for b in sheet.blanks}
    data = _data(root, drawing, passed, grads, precision, hidden)
    views = f'<div class="bpl-graph">{svg}</div>'
    if model is not None:
        collapsed = Drawing(root, "circuit", "LR", True, precision, model, True, 10**9,
                            grad_of=lambda n: grads[id(n)], who="explore", theme=theme)
        views += f'<div class="bpl-graph bpl-collapsed" hidden>{_svg(collapsed.graph())}</div>'
        data["views"] = True
    if sheet is not None:
        data["blanks"] = [{"id": b.id, "label": b.label, "quantity": b.quantity,
                           "answer": float(b.answer), "shown": fmt(b.answer, precision)}
                          for b in sheet.blanks if isinstance(b.answer, float)]
        data["rtol"], data["atol"] = 1e-3, 1e-6
        data["colours"] = {"right": RIGHT_COLOUR, "wrong": WRONG_COLOUR}
        for edge in data["edges"].values():  # a wire's gradient would give a blank away
            edge.update(grad=None, product=None, local=None, l=None)
        data["nudges"] = {}
    data["words"] = {text: tr(text) for text in PAGE_WORDS}
    data["lang"] = get_language()
    uid = f"bpl{next(_COUNTER)}"
    views_button = ""
    if model is not None:
        title, label = tr("collapse or expand the modules"), tr("modules")
        views_button = (f'<button class="bpl-views" title="{html.escape(title)}">'
                        f"{html.escape(label)}</button>")
    fragment = _page("explorer.html").format(
        uid=uid, lang=get_language(), font=round(get_theme(theme).node_font),
        css=_page("explorer.css").replace("#UID", "#" + uid),
        js=_page("explorer.js"), data=_safe_json(data), views=views, views_button=views_button,
        **{key: html.escape(tr(text)) for key, text in _TITLES.items()})
    key = None
    if sheet is not None:  # the same page with every number shown, for the teacher

        def key() -> str:
            return explore(root, model=model, precision=precision, theme=theme,
                           max_nodes=max_nodes, focus=focus, depth=depth).fragment
    return Explorer(fragment, data, key)


def _svg(graph: Any) -> str:
    svg = render_bytes(graph, "svg").decode("utf-8")
    return svg[svg.index("<svg"):]  # without the XML prologue: it is embedded in HTML


def _data(root: Node, drawing: Drawing, passed: list, grads: dict, precision: int,
          hidden: dict | None = None) -> dict:
    """What the page's script reads. ``hidden``: (node id, "value" or "grad") -> the blank id
    written in place of that number."""
    hidden = hidden or {}

    def show(x: Any) -> str:
        return fmt(x, precision)

    ids = drawing.ids
    every = forward_order(root)
    nodes = [n for n in every if id(n) in ids]
    names = {id(n): drawing.name(n) or drawing.gate_name(n) for n in nodes}
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
        entry = {"name": names[id(n)], "op": n.op,
                 "value": hidden.get((id(n), "value")) or show(n.data),
                 "grad": (hidden.get((id(n), "grad")) or show(grads[id(n)]))
                 if n.requires_grad else None,
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
        "local": None, "product": tr("the seed: ∂out/∂out = 1") if drawn_root else
        tr("the gradient from the part of the graph not drawn")}
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

    found = {}
    for leaf in [n for n in nodes if not n.parents and n.requires_grad]:
        changes = {}
        for eps in EPSILONS:
            replayed = replay(nodes, {id(leaf): leaf.data + eps})
            if replayed is None:
                return {}
            measured = replayed[id(root)].data - root.data
            changes[f"{eps:g}"] = [fmt(grads[id(leaf)] * eps, precision), fmt(measured, precision)]
        found[ids[id(leaf)]] = changes
    return found


def _captions(data: dict, names: dict, nodes: list[Node], ids: dict) -> list[str]:
    by_id = {ids[id(n)]: n for n in nodes}
    captions = [tr("the start: only the inputs are known")]
    for key in data["forward"]:
        n = by_id[key]
        args = ", ".join(names[id(p)] for p in n.parents)
        captions.append(tr("forward: {name} = {op}({args}) = {value}", name=names[id(n)],
                           op=names[id(n)], args=args, value=data["nodes"][key]["value"]))
    for key in data["backward"]:
        node = data["nodes"][key]
        text = tr("backward: ∂out/∂{name} = {grad} is complete", name=node["name"],
                  grad=node["grad"])
        if not node["leaf"]:
            text += tr("; it flows on to the inputs of {op}", op=ops.symbol(by_id[key].op))
        captions.append(text)
    return captions


def _safe_json(data: dict) -> str:
    """JSON that can sit inside a <script> element (no "</" to end it early)."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
