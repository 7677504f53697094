"""Computational-graph diagrams in the labs' style, for Values and Tensors alike.

The renderer reads a graph only through ``data``, ``grad``, ``op``, ``parents``, ``label``
(and ``scope``, to group a model's nodes): whatever has those can be drawn.

``style="circuit"`` (the labs' and cs231n's picture): operations are small gates and the
values travel on the wires, each wire labelled with its forward value above, in black,
and its gradient below, in red. ``style="record"`` (micrograd's): one box per value with
its label, data and grad, and the operations in between.
"""

from __future__ import annotations

import html
import math
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd import Node, consumers, derivative_order, edge_grad, forward_order
from autograd.language import tr
from autograd.ops import subscript, symbol

from .picture import Picture, to_dot
from .render import DOT_TIMEOUT, render_bytes
from .theme import THEMES, Theme, get_theme

RED = "#c0392b"
HIGHLIGHT = "#f9e79f"
LARGE_GRAPH = 1000  # nodes; above this, draw_graph warns and suggests collapse=True
MAX_LONG_WIRES = 2000  # columns crossed by wires in all; dot needs about 5 s at 2,000
COLLAPSED_WIRES = 8  # values between two collapsed modules drawn one by one; above, counted

class Diagram(graphviz.Digraph):
    """A diagram (a ``graphviz.Digraph``) that remembers its theme, and shows in Jupyter at
    the theme's size: a diagram wider than the cell scrolls sideways rather than shrinking
    its text below legibility."""

    theme: Theme = THEMES["notebook"]
    picture: Picture | None = None  # what it shows, as boxes and wires (viz.picture)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict:
        svg = render_bytes(self, "svg").decode("utf-8")
        svg = re.sub(r"<svg ", '<svg style="max-width: none" ', svg, count=1)
        html_view = f'<div style="overflow-x: auto; max-width: 100%">{svg}</div>'
        return {"text/html": html_view, "image/svg+xml": svg}

    def save(self, filename: Any = None, directory: Any = None, *,
             skip_existing: bool | None = False) -> str:
        """Write the diagram: ``.svg``, ``.png`` or ``.pdf`` are drawn by ``dot`` (as
        :func:`viz.save` does); any other name gets the DOT source, as graphviz's ``save``.

        (graphviz's own ``save`` writes the DOT source whatever the extension: a file named
        ``graph.png`` would hold text, not a picture.)
        """
        if filename is not None and Path(str(filename)).suffix.lower() in (".svg", ".png", ".pdf"):
            path = Path(directory) / filename if directory else Path(filename)
            return str(save(self, path))  # the module's save: dot, under a time limit
        return super().save(filename, directory=directory, skip_existing=skip_existing)


def draw_graph(root: Node, style: str = "circuit", rankdir: str = "LR", show_grad: bool = True,
               precision: int = 4, model: Any = None, collapse: bool = False,
               max_nodes: int = LARGE_GRAPH,
               max_long_wires: int | None = MAX_LONG_WIRES,
               theme: str | Theme | None = None, expand: bool | Sequence[str] = False,
               focus: Node | None = None, depth: int = 3, summary: bool = False,
               check: Any = None, color_by: str | None = None) -> Diagram:
    """A ``graphviz.Digraph`` of everything ``root`` was computed from.

    Gradients are drawn once ``root`` has one (after ``backward()``), never before.
    With ``model=`` parameters take their dotted names and each module's nodes are drawn
    as a cluster; ``collapse=True`` draws each of the model's top-level modules as one
    node instead, for graphs too big to read. It displays inline in Jupyter as SVG.

    Tensors up to 4×4 are drawn as matrices, larger ones as their shape (``64×100``), with
    ``summary=True`` also their mean and norm.

    ``check=`` a report of :func:`viz.check` marks the student's answers: right ones in
    green, wrong ones in orange with the expected number beside them, the first wrong one
    highlighted; nodes without an answer are drawn as usual.

    ``focus=node`` draws only the neighbourhood of one node: the nodes at most ``depth``
    wires away (inputs and consumers), the wires that leave it ending in ``⋯``.

    Size limits: a graph of more than ``max_nodes`` nodes (1,000; ``None`` for no limit) is
    not drawn whole, since dot would take long and nobody could read it: with ``model=`` each
    top-level module is collapsed to one node, otherwise the part nearest the output is
    drawn; a warning says so and how to draw another part. A graph whose
    wires would cross more than ``max_long_wires`` columns in all (one input used all over
    a long graph) is refused: ``dot`` takes minutes on such a layout. ``None`` lifts it.
    ``theme`` ("notebook", "projector", "paper") sets sizes; see :func:`viz.set_theme`.

    A loss from ``nn.losses`` (anything whose nodes record a scope with a ``gate`` name) is
    drawn as one gate, ``BCE`` or ``MSE``, with the loss's gradient on its input wires;
    ``expand=True`` (or a list of loss names, ``["binary_cross_entropy"]``) draws its inside.

    ``color_by="grad"`` shades each gate by the size of its gradient (the root mean square of
    ∂root/∂node) on a log scale, light for small, with a legend: a gradient that vanishes
    along the depth of a network is seen at a glance.
    """
    if color_by not in (None, "grad"):
        raise ValueError(f"draw_graph: color_by must be None or 'grad', got {color_by!r}")
    fill = None
    if color_by == "grad":
        if not has_grad(root):
            raise ValueError("draw_graph: color_by='grad' needs gradients: call backward() "
                             "on the root first")
        fill, legend = _grad_shades(root)
    drawing = Drawing(root, style, rankdir, show_grad, precision, model, collapse,
                      max_nodes, max_long_wires=max_long_wires, theme=theme,
                      expand=expand, focus=focus, depth=depth, summary=summary, fill=fill,
                      marks=None if check is None else check.marks())
    pic = drawing.picture()
    if fill is not None:
        pic.box("grad_legend", legend, shape="plaintext")
    return drawing.graph(pic)


def _backward_look(node: Node) -> dict[str, str]:
    """How a gate recorded by a backward pass (``create_graph=True``) is told apart from the
    forward pass's: drawn in the gradients' red, bolder for a higher derivative."""
    order = derivative_order(node)
    if not order:
        return {}
    return {"color": RED, "fontcolor": RED, "penwidth": f"{1 + 0.6 * order:g}"}


GRAD_SHADES = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0")  # YlGnBu: light = small


def _grad_shades(root: Node) -> tuple[Callable[[Node], str], str]:
    """A fill for each gate from the size of its gradient (log scale, five shades) and the
    legend that says which size each shade stands for."""
    sizes = {}
    for node in forward_order(root):
        if node.parents and node.grad is not None:
            g = np.asarray(node.grad, dtype=np.float64)
            sizes[id(node)] = float(np.sqrt(np.mean(g * g))) if g.size else 0.0
    positive = [s for s in sizes.values() if s > 0]
    low, high = (math.log10(min(positive)), math.log10(max(positive))) if positive else (0, 0)
    width = (high - low) / len(GRAD_SHADES) or 1.0

    def shade(size: float) -> int:
        if size <= 0:
            return 0
        return min(int((math.log10(size) - low) / width), len(GRAD_SHADES) - 1)

    def fill(node: Node) -> str:
        return GRAD_SHADES[shade(sizes[id(node)])] if id(node) in sizes else "white"

    cells = "".join(f'<td bgcolor="{c}">{fmt(10 ** (low + k * width), 2)}</td>'
                    for k, c in enumerate(GRAD_SHADES))
    legend = (f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="4"><tr><td '
              f'colspan="{len(GRAD_SHADES)}">{html.escape(tr("gradient size (log), from"))}'
              f"</td></tr><tr>{cells}</tr></table>>")
    return fill, legend


def save(graph: graphviz.Digraph | graphviz.Source, path: str | Path,
         timeout: float | None = DOT_TIMEOUT) -> Path:
    """Write a Graphviz diagram (a ``draw_graph`` or ``draw_network`` diagram, or a frame of
    ``backward_steps``), the format taken from the extension: .svg, .png, .pdf or .dot.

    ``dot`` runs for at most ``timeout`` seconds; the file is written only when it is done.
    """
    if not isinstance(graph, graphviz.Digraph | graphviz.Graph | graphviz.Source):
        raise TypeError(f"save: expected a diagram from draw_graph, got {type(graph).__name__}")
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("dot", "gv", "svg", "png", "pdf"):
        raise ValueError(f"save: unknown diagram format {path.suffix!r}; use .svg, .png, .pdf "
                         "or .dot")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"save: the folder {path.parent} does not exist")
    if fmt in ("dot", "gv"):
        path.write_text(graph.source, encoding="utf-8")
    else:
        dpi = getattr(graph, "theme", get_theme()).dpi
        extra = (f"-Gdpi={dpi}",) if fmt == "png" else ()
        path.write_bytes(render_bytes(graph, fmt, timeout, extra=extra))
    return path


# ---------------------------------------------------------------- how numbers are shown


def gate_names(nodes: Sequence[Node]) -> dict[int, str]:
    """Each unlabelled gate's name in ``nodes`` (in forward order): its operation's symbol,
    numbered in forward order when several unlabelled gates share it (×₁, ×₂), so that two
    × gates can be told apart in a diagram and in every text that names them."""
    symbols = {id(n): symbol(n.op) for n in nodes if n.parents and not n.label}
    totals: dict[str, int] = {}
    for text in symbols.values():
        totals[text] = totals.get(text, 0) + 1
    counts: dict[str, int] = {}
    names = {}
    for n in nodes:
        text = symbols.get(id(n))
        if text is None:
            continue
        counts[text] = counts.get(text, 0) + 1
        names[id(n)] = text + subscript(counts[text]) if totals[text] > 1 else text
    return names


def fmt(x: Any, precision: int = 4) -> str:
    """A number with ``precision`` significant digits, as a person writes it: never ``-0``,
    and below one million written out in full (83960, not 8.396e+04); a small array as a
    list; a larger one as its shape (see :func:`shape_text`)."""
    if isinstance(x, np.ndarray) and x.ndim > 0:
        if x.size <= 6:
            return "[" + ", ".join(fmt(v, precision) for v in x.ravel()) + "]"
        return shape_text(x)
    value = float(x)
    if not np.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    size = abs(value)
    if 1e-4 <= size < 1e6:
        digits = max(precision - 1 - int(np.floor(np.log10(size))), 0)
        text = f"{round(value, digits):.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{value:.{precision}g}"
    return "0" if text in ("-0", "0") else text


def shape_text(x: np.ndarray) -> str:
    """An array's shape as the matrix-form backprop writes it (``64×100``), and its dtype
    where it is not float64."""
    shape = "×".join(map(str, x.shape)) if x.ndim else "scalar"
    return shape if x.dtype == np.float64 else f"{shape} {x.dtype}"


def matrix_html(x: Any, precision: int, color: str | None = None,
                summary: bool = False) -> str:
    """A value for an HTML-like label: a number, a small matrix (up to 4×4) as rows of
    cells, or a larger array's shape (with ``summary``, its mean and norm below)."""
    font = (f'<font color="{color}">', "</font>") if color else ("", "")
    if isinstance(x, np.ndarray) and x.ndim > 0:
        if x.ndim <= 2 and max(x.shape) <= 4 and x.size:
            rows = x.reshape(1, -1) if x.ndim == 1 else x
            body = "".join("<tr>" + "".join(f"<td>{font[0]}{html.escape(fmt(v, precision))}"
                                            f"{font[1]}</td>" for v in row) + "</tr>"
                           for row in rows)
            return ('<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
                    f"{body}</table>")
        text = html.escape(shape_text(x))
        if summary and x.size:
            text += (f'<br/><font point-size="9">mean {html.escape(fmt(x.mean(), precision))}, '
                     f"‖·‖ {html.escape(fmt(np.linalg.norm(x), precision))}</font>")
        return f"{font[0]}{text}{font[1]}"
    return f"{font[0]}{html.escape(fmt(x, precision))}{font[1]}"


def _shape_text(node: Node) -> str:
    data = node.data
    return shape_text(data) if isinstance(data, np.ndarray) else ""


def has_grad(node: Node) -> bool:
    """Whether a backward pass has given ``node`` a gradient (a Value's starts at 0)."""
    g = node.grad
    return g is not None and bool(np.any(np.asarray(g) != 0))


def long_wires(nodes: list[Node]) -> tuple[int, Node | None, int]:
    """How many columns the wires of a left-to-right layout would cross in all (dot routes
    each crossing as a segment of its own, and slows down sharply with thousands), the node
    whose wires cross the most, and how many operations that node feeds.

    ``nodes`` come parents first. Columns: a computed node one right of its latest input;
    an input just left of its first use, as dot's ranking puts it.
    """
    column: dict[int, int] = {}
    first_use: dict[int, int] = {}
    for node in nodes:
        if node.parents:
            c = 1 + max((column.get(id(p), 0) for p in node.parents), default=0)
            column[id(node)] = c
            for p in node.parents:
                if not p.parents:
                    first_use[id(p)] = min(first_use.get(id(p), c), c)
        else:
            column[id(node)] = 0
    for key, c in first_use.items():
        column[key] = c - 1
    total, per_node, uses, owner = 0, {}, {}, {}
    for node in nodes:
        for p in node.parents:
            if id(p) not in column:  # an input outside the part drawn
                continue
            crossed = column[id(node)] - column[id(p)] - 1
            total += crossed
            per_node[id(p)] = per_node.get(id(p), 0) + crossed
            owner[id(p)] = p
            uses[id(p)] = uses.get(id(p), 0) + 1
    if not per_node:
        return 0, None, 0
    worst = max(per_node, key=per_node.get)
    return total, owner[worst], uses[worst]


class Drawing:
    """The diagram of a graph (circuit, record or collapsed) that ``draw_graph``, the
    backward steps, the explorer and the worksheets draw: :meth:`picture` says what it
    shows (``viz.picture``), :meth:`graph` writes it."""

    def __init__(self, root, style, rankdir, show_grad, precision, model, collapse, max_nodes,
                 grad_of: Callable[[Node], Any] | None = None,
                 grad_color: Callable[[Node], str] | None = None,
                 fill: Callable[[Node], str] | None = None,
                 max_long_wires: int | None = MAX_LONG_WIRES, who: str = "draw_graph",
                 theme: str | Theme | None = None, expand: bool | Sequence[str] = True,
                 focus: Node | None = None, depth: int = 3, summary: bool = False,
                 marks: dict[int, dict] | None = None) -> None:
        self.theme = get_theme(theme)
        self.summary = summary
        # per node (by id): "value"/"grad" HTML to draw instead of the numbers (a worksheet's
        # blanks), a "note" row under its first wire, a "fill" (exercise marks)
        self.marks = marks or {}
        self.noted: set[int] = set()
        self.gate_ids: dict[int, str] = {}  # one drawn gate per loss, numbered as met
        if not isinstance(root, Node):
            raise TypeError(f"{who} needs a Value or Tensor, got {type(root).__name__}")
        if isinstance(precision, bool) or not isinstance(precision, int) \
                or not 1 <= precision <= 17:
            raise ValueError(f"{who}: precision must be an integer from 1 to 17, got "
                             f"{precision!r}")
        if model is not None and not (hasattr(model, "named_parameters")
                                      and hasattr(model, "named_modules")):
            raise TypeError(f"{who}: model must be an nn.Module, got {type(model).__name__}")
        if style not in ("circuit", "record"):
            raise ValueError(f"unknown style {style!r}; choose 'circuit' or 'record'")
        if rankdir not in ("LR", "RL", "TB", "BT"):
            raise ValueError(f"rankdir must be LR, RL, TB or BT, got {rankdir!r}")
        self.root, self.style, self.rankdir, self.precision = root, style, rankdir, precision
        self.nodes = forward_order(root)  # parents first, inputs in the order they were made
        self.stubs: set[int] = set()  # nodes drawn only as "⋯": where a drawn part is cut off
        self.collapse = collapse and model is not None
        if focus is not None:
            self._focus(focus, depth, who)
        elif max_nodes is not None and len(self.nodes) > max_nodes and not self.collapse:
            total = len(self.nodes)
            if model is not None:
                self.collapse = True
                warnings.warn(f"{who}: the graph has {total:,} nodes, too many to lay out "
                              "quickly or to read; each top-level module is drawn as one node. "
                              "Draw one part with focus=node, depth=k.", stacklevel=3)
            else:
                k = self._focus_within(max_nodes)
                warnings.warn(f"{who}: the graph has {total:,} nodes, too many to lay out "
                              f"quickly or to read; drawn are the {len(self.nodes):,} nearest "
                              f"the output (depth {k}). Draw another part with focus=node, "
                              "depth=k, or all of it with max_nodes=None. (Pass model= and "
                              "collapse=True to draw each layer as one node.)", stacklevel=3)
        self.ids = {id(n): f"n{i}" for i, n in enumerate(self.nodes)}
        self._gates: dict[int, str] | None = None  # gate_name's numbering, made when asked
        self.grad_of = grad_of or (lambda n: n.grad)
        # the colour of the gradients a node's completion shows, and a node's fill: hooks for
        # the step-by-step frames, which draw every frame on one layout
        self.grad_color = grad_color or (lambda n: RED)
        self.fill = fill or (lambda n: self.marks.get(id(n), {}).get("fill", "white"))
        self.show_grad = show_grad and (grad_of is not None or has_grad(root))
        self.names, self.modules, self.param_modules = _model_names(model)
        self.module_order = [] if model is None else [n for n, _ in model.named_modules()]
        if max_long_wires is not None and not self.collapse:
            crossed, worst, uses = long_wires(self.nodes)
            if crossed > max_long_wires:
                name = self.name(worst) or symbol(worst.op)
                what = (f"{name} feeds {uses} operations spread over the graph: its wires "
                        f"would cross {crossed:,} columns" if uses >= 10 else
                        f"the graph's wires would cross {crossed:,} columns in all")
                raise ValueError(
                    f"{who}: {what}, and dot takes minutes on more than {max_long_wires:,}. "
                    "Draw a smaller graph (or pass model= and collapse=True), or pass "
                    "max_long_wires=None to try anyway")
        # nodes drawn as one gate: those of a scope with a gate name (a loss), unless expanded
        self.group: dict[int, Any] = {}
        if style == "circuit" and expand is not True:
            wanted = set() if expand is False else set(expand)
            for node in self.nodes:
                scope = node.scope
                gate = getattr(scope, "gate", None)
                if gate is not None and getattr(scope, "name", gate) not in wanted \
                        and gate not in wanted:
                    self.group[id(node)] = scope
        self.consumers = consumers(n for n in self.nodes if id(n) not in self.stubs)
        # a loss is one gate when only its result is read outside it; a graph that reads its
        # inside too (a gradient recorded with create_graph=True) draws it expanded
        read_outside: dict[int, set[int]] = {}
        for node_id, scope in self.group.items():
            if any(self.group.get(id(child)) is not scope
                   for child, _ in self.consumers.get(node_id, ())):
                read_outside.setdefault(id(scope), set()).add(node_id)
        opened = {key for key, read in read_outside.items() if len(read) > 1}
        if opened:
            self.group = {k: v for k, v in self.group.items() if id(v) not in opened}

    # ---------------------------------------------------------------- parts of a graph

    def _distances(self, focus: Node, depth: int | None = None) -> dict[int, int]:
        """How many wires each node is from ``focus`` (either way), up to ``depth``."""
        users = consumers(self.nodes)
        distance, frontier, k = {id(focus): 0}, [focus], 0
        while frontier and (depth is None or k < depth):
            k += 1
            nxt = []
            for node in frontier:
                for other in (*node.parents, *(c for c, _ in users.get(id(node), ()))):
                    if id(other) not in distance:
                        distance[id(other)] = k
                        nxt.append(other)
            frontier = nxt
        return distance

    def _neighbourhood(self, focus: Node, depth: int) -> set[int]:
        """Ids of the nodes at most ``depth`` wires from ``focus``, either way."""
        return set(self._distances(focus, depth))

    def _keep(self, near: set[int]) -> None:
        """Draw only ``near``, and a "⋯" for each input of it that is cut off."""
        stubs = {id(p) for n in self.nodes if id(n) in near for p in n.parents
                 if id(p) not in near}
        self.stubs = stubs
        self.nodes = [n for n in self.nodes if id(n) in near or id(n) in stubs]

    def _focus(self, focus: Node, depth: int, who: str) -> None:
        if not isinstance(focus, Node) or not any(n is focus for n in self.nodes):
            raise ValueError(f"{who}: focus must be a node of the graph being drawn")
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
            raise ValueError(f"{who}: depth must be an integer >= 0, got {depth!r}")
        self._keep(self._neighbourhood(focus, depth))

    def _focus_within(self, limit: int) -> int:
        """Keep the largest neighbourhood of the output that has at most ``limit`` nodes;
        its depth."""
        distance = self._distances(self.root)
        counts: dict[int, int] = {}
        for d in distance.values():
            counts[d] = counts.get(d, 0) + 1
        k, total = 0, counts.get(0, 1)
        while k + 1 in counts and total + counts[k + 1] <= limit * 0.9:  # room for the ⋯s
            k += 1
            total += counts[k]
        self._keep({key for key, d in distance.items() if d <= k})
        return k

    # ---------------------------------------------------------------- names and labels

    def name(self, node: Node) -> str:
        """The label a user (or an nn module) gave, else the parameter's dotted name, else
        a constant's value; "" for an unnamed intermediate."""
        if node.label:
            return node.label
        if id(node) in self.names:
            return self.names[id(node)]
        if not node.parents:  # a constant: its value is its name
            return fmt(node.data, self.precision)
        return ""

    def gate_name(self, node: Node) -> str:
        """An operation's name as its gate shows it: ×₁ and ×₂ when two × gates are drawn."""
        if self._gates is None:
            self._gates = gate_names(self.nodes)
        return self._gates.get(id(node)) or symbol(node.op)

    def value_text(self, node: Node) -> str:
        return fmt(node.data, self.precision)

    def grad_text(self, g: Any) -> str | None:
        """A gradient as text, or None where there is none (a Tensor that needs no grad)."""
        return None if g is None else fmt(g, self.precision)

    def wire_label(self, node: Node, grad: Any, color: str = RED) -> str:
        """The label of a wire carrying ``node``'s value: ``name = value`` for a named
        intermediate, the value in black above, the gradient (if any) in red below."""
        marks = self.marks.get(id(node), {})
        value = marks.get("value") or matrix_html(node.data, self.precision,
                                                  summary=self.summary)
        if node.parents and (node.label or id(node) in self.names):
            value = f"{html.escape(self.name(node))} = {value}" if "<table" not in value \
                else f"{html.escape(self.name(node))} =<br/>{value}"
        rows = [value]
        if "grad" in marks and self.show_grad:  # a worksheet's blank, or its answer
            if marks["grad"] is not None:
                rows.append(f'<font color="{color}">{marks["grad"]}</font>')
        elif grad is not None and self.show_grad:
            rows.append(matrix_html(grad, self.precision, color, summary=self.summary))
        if marks.get("note") and id(node) not in self.noted:  # once, on its first wire
            self.noted.add(id(node))
            rows.append(marks["note"])
        if any("<table" in r for r in rows):  # a matrix: stack the parts as table rows
            return "<" + '<table border="0" cellborder="0" cellspacing="0">' + "".join(
                f"<tr><td>{r}</td></tr>" for r in rows) + "</table>>"
        return "<" + "<br/>".join(rows) + ">"

    # ---------------------------------------------------------------- building the picture

    def picture(self) -> Picture:
        """What the diagram shows, as boxes and wires (``viz.picture``)."""
        t = self.theme
        pic = Picture(graph_attrs={"rankdir": self.rankdir, "fontname": "Helvetica",
                                   "nodesep": f"{t.nodesep:g}", "ranksep": f"{t.ranksep:g}",
                                   "ordering": "in"},  # operands in argument order
                      node_attrs={"fontname": "Helvetica", "fontsize": f"{t.node_font:g}",
                                  "penwidth": f"{t.pen:g}"},
                      edge_attrs={"fontname": "Helvetica", "fontsize": f"{t.wire_font:g}",
                                  "arrowsize": f"{t.arrow:g}", "penwidth": f"{t.pen:g}"},
                      cluster_attrs=lambda path: {  # a module: layer 1 above layer 2
                          "label": path, "style": "rounded,dashed", "color": "#888888",
                          "fontcolor": "#555555", "fontsize": f"{t.wire_font:g}"},
                      cluster_order=self.module_order, nested=_cluster_parts)
        if self.collapse:
            self._collapsed(pic)
        elif self.style == "circuit":
            self._circuit(pic)
        else:
            self._record(pic)
        if any(derivative_order(n) for n in self.nodes):
            words = html.escape(tr("red gates: the backward pass, recorded (create_graph=True)"))
            pic.box("backward_legend", f'<<font color="{RED}">{words}</font>>',
                    shape="plaintext")
        return pic

    def graph(self, pic: Picture | None = None) -> Diagram:
        """The diagram written from ``pic`` (by default, :meth:`picture`)."""
        pic = self.picture() if pic is None else pic
        g = to_dot(pic, Diagram())
        g.theme, g.picture = self.theme, pic
        return g

    def _container(self, node: Node) -> str | None:
        """The (possibly nested) cluster a node belongs in, when a model was given."""
        if node.scope is not None and id(node.scope) in self.modules:
            return self.modules[id(node.scope)]
        return self.param_modules.get(id(node))  # a parameter: its module's cluster

    def _node_id(self, node: Node) -> str:
        """The drawn node a graph node is part of: its own, or its group's gate."""
        scope = self.group.get(id(node))
        if scope is None:
            return self.ids[id(node)]
        return self.gate_ids.setdefault(id(scope), f"gate{len(self.gate_ids)}")

    def _circuit(self, pic: Picture) -> None:
        gates_drawn: set[int] = set()
        for node in self.nodes:
            scope = self.group.get(id(node))
            if scope is not None:  # one gate for the whole group, where its first node is
                if id(scope) not in gates_drawn:
                    gates_drawn.add(id(scope))
                    attrs = {"shape": "box", "style": "filled,rounded,bold",
                             "fillcolor": "#eef2f7", "margin": "0.08"}
                    pic.box(self._node_id(node), scope.gate, self._container(node), **attrs)
                continue
            nid = self.ids[id(node)]
            path = self._container(node)
            fill = self.fill(node)
            if id(node) in self.stubs:  # the rest of the graph, not drawn
                name = self.name(node)
                pic.box(nid, f"⋯ {name}" if name else "⋯", path, shape="plaintext",
                        fontcolor="#777777")
            elif node.parents:
                text = self.gate_name(node)
                shape = "circle" if len(text) <= 3 else "box"
                pic.box(nid, text, path, shape=shape,
                        style="filled,rounded" if shape == "box" else "filled",
                        fillcolor=fill, fixedsize="false", width="0.35", height="0.35",
                        margin="0.04", **_backward_look(node))
            else:
                pic.box(nid, self._leaf_label(node), path, shape="plaintext", style="filled",
                        fillcolor=fill)
        wires: dict[tuple, list] = {}  # (from, to[, input]) -> [value node, gradient, colour]
        for child in self.nodes:
            if id(child) in self.stubs:
                continue
            for i, parent in enumerate(child.parents):
                tail, head = self._node_id(parent), self._node_id(child)
                if tail == head:
                    continue  # inside one gate
                grad = None
                if self.show_grad and parent.requires_grad:  # a constant has no gradient
                    grad = edge_grad(child, i, self.grad_of(child))
                if head.startswith("gate") and (tail, head) in wires:
                    wire = wires[(tail, head)]  # a gate's input used twice inside: one wire,
                    if grad is not None and wire[1] is not None:  # its gradients added up
                        wire[1] = wire[1] + grad
                    continue
                key = (tail, head) if head.startswith("gate") else (tail, head, i)
                wires[key] = [parent, grad, self.grad_color(child)]
        for (tail, head, *_), (node, grad, color) in wires.items():
            pic.wire(tail, head, self.wire_label(node, grad, color))
        if not any(n is self.root for n in self.nodes) or id(self.root) in self.stubs:
            return  # the output is outside the part drawn
        out = self._node_id(self.root) + "_out"
        name = self.name(self.root) or "out"
        pic.box(out, html.escape(name), shape="plaintext")
        pic.wire(self._node_id(self.root), out,
                 self.wire_label(self.root, self.grad_of(self.root), self.grad_color(self.root)))

    def _leaf_label(self, node: Node) -> str:
        text = html.escape(self.name(node))
        extra = _shape_text(node)
        if extra and isinstance(node.data, np.ndarray) and node.data.size > 6:
            text += f'<br/><font point-size="9">{html.escape(extra)}</font>'
        marks = self.marks.get(id(node), {})
        if "grad" in marks:
            pass  # a worksheet shows the node's gradient on its wires
        elif self.show_grad and node.requires_grad and len(self.consumers.get(id(node), ())) > 1:
            total = self.grad_text(self.grad_of(node))  # the wires' gradients add up to this
            if total is not None:
                color = self.grad_color(node)
                text += f'<br/><font color="{color}">Σ {html.escape(total)}</font>'
        return f"<{text}>"

    def _record(self, pic: Picture) -> None:
        """micrograd's picture: one box per node, name | data | grad, and each op as an
        ellipse in front of its result."""
        for node in self.nodes:
            nid = self.ids[id(node)]
            path = self._container(node)
            cells = [html.escape(self.name(node) or " ")]
            if _shape_text(node):
                cells.append(html.escape(_shape_text(node)))
            cells.append(f"data {html.escape(self.value_text(node))}")
            grad = self.grad_text(self.grad_of(node))
            if self.show_grad and grad is not None:
                cells.append(f'<font color="{self.grad_color(node)}">grad '
                             f"{html.escape(grad)}</font>")
            row = "".join(f"<td>{c}</td>" for c in cells)
            label = (f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="4" '
                     f'bgcolor="{self.fill(node)}"><tr>{row}</tr></table>>')
            pic.box(nid, label, path, shape="plaintext", margin="0")
            if node.parents and id(node) not in self.stubs:
                pic.box(nid + "_op", self.gate_name(node), path, shape="ellipse", width="0.3",
                        height="0.3", **_backward_look(node))
        for node in self.nodes:
            nid = self.ids[id(node)]
            if node.parents and id(node) not in self.stubs:
                pic.wire(nid + "_op", nid)
                for parent in node.parents:
                    pic.wire(self.ids[id(parent)], nid + "_op")

    def _collapsed(self, pic: Picture) -> None:
        """One node per top-level module of the model; other nodes as they are."""
        group: dict[int, str] = {}
        for node in self.nodes:
            path = self._container(node)
            if path is not None:
                group[id(node)] = path.split(".")[0] + (
                    "." + path.split(".")[1] if "." in path else "")
        drawn: set[str] = set()
        for node in self.nodes:
            key = group.get(id(node))
            if key is not None:
                if key not in drawn:
                    count = sum(1 for v in group.values() if v == key)
                    pic.box("m_" + key, f"{key}\\n{count} nodes", shape="box3d")
                    drawn.add(key)
            else:
                pic.box(self.ids[id(node)], self.gate_name(node) if node.parents
                        else self.name(node) or " ", shape="circle" if node.parents
                        else "plaintext")
        wires: dict[tuple, list] = {}  # one wire per value entering or leaving a module
        for child in self.nodes:
            for i, parent in enumerate(child.parents):
                a = "m_" + group[id(parent)] if id(parent) in group else self.ids[id(parent)]
                b = "m_" + group[id(child)] if id(child) in group else self.ids[id(child)]
                if a == b:
                    continue
                grad = None
                if self.show_grad and parent.requires_grad:
                    grad = edge_grad(child, i, self.grad_of(child))
                key = (a, b, id(parent))
                if key in wires:  # the same value used twice inside: its gradients add up
                    if grad is not None and wires[key][1] is not None:
                        wires[key][1] = wires[key][1] + grad
                else:
                    wires[key] = [parent, grad]
        per_pair: dict[tuple[str, str], list] = {}
        for (a, b, _), wire in wires.items():
            per_pair.setdefault((a, b), []).append(wire)
        for (a, b), carried in per_pair.items():
            if len(carried) > COLLAPSED_WIRES:  # too many to read: one wire, with the count
                pic.wire(a, b, f"{len(carried)} values", penwidth="2")
                continue
            for parent, grad in carried:
                pic.wire(a, b, self.wire_label(parent, grad))
        if self.root_drawn():
            root_id = ("m_" + group[id(self.root)]) if id(self.root) in group \
                else self.ids[id(self.root)]
            pic.box(root_id + "_out", html.escape(self.name(self.root) or "out"),
                    shape="plaintext")
            pic.wire(root_id, root_id + "_out", self.wire_label(self.root, self.grad_of(self.root)))

    def root_drawn(self) -> bool:
        return any(n is self.root for n in self.nodes) and id(self.root) not in self.stubs


def _model_names(model: Any) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """By object identity: parameter names, module paths, and each parameter's module."""
    if model is None:
        return {}, {}, {}
    params = {id(p): name for name, p in model.named_parameters()}
    modules = {id(m): name for name, m in model.named_modules() if name}
    paths = set(modules.values())
    owners = {}
    for pid, name in params.items():
        parts = name.split(".")
        owners[pid] = next((".".join(parts[:k]) for k in range(len(parts) - 1, 0, -1)
                            if ".".join(parts[:k]) in paths), None)
    return params, modules, owners


def _cluster_parts(path: str | None) -> list[str]:
    """Cluster levels for a module path: ``layers.0.neurons.1`` -> [layers.0, neurons.1]."""
    if not path:
        return []
    parts = path.split(".")
    levels, i = [], 0
    while i < len(parts):
        if i + 1 < len(parts) and parts[i + 1].isdigit():
            levels.append(f"{parts[i]}.{parts[i + 1]}")
            i += 2
        else:
            levels.append(parts[i])
            i += 1
    return levels

