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
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd import Node, edge_grad, topological_order
from autograd.ops import symbol

RED = "#c0392b"
HIGHLIGHT = "#f9e79f"
LARGE_GRAPH = 1000  # nodes; above this, draw_graph warns and suggests collapse=True

def draw_graph(root: Node, style: str = "circuit", rankdir: str = "LR", show_grad: bool = True,
               precision: int = 4, model: Any = None, collapse: bool = False,
               max_nodes: int = LARGE_GRAPH) -> graphviz.Digraph:
    """A ``graphviz.Digraph`` of everything ``root`` was computed from.

    Gradients are drawn once ``root`` has one (after ``backward()``), never before.
    With ``model=`` parameters take their dotted names and each module's nodes are drawn
    as a cluster; ``collapse=True`` draws each of the model's top-level modules as one
    node instead, for graphs too big to read. It displays inline in Jupyter as SVG.
    """
    return _Drawing(root, style, rankdir, show_grad, precision, model, collapse,
                    max_nodes).graph()


def save(graph: graphviz.Digraph, path: str | Path) -> Path:
    """Write a diagram, the format taken from the extension: .svg, .png, .pdf or .dot."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt in ("dot", "gv"):
        path.write_text(graph.source, encoding="utf-8")
    elif fmt in ("svg", "png", "pdf"):
        path.write_bytes(graph.pipe(format=fmt))
    else:
        raise ValueError(f"save: unknown diagram format {path.suffix!r}; use .svg, .png, .pdf "
                         "or .dot")
    return path


# ---------------------------------------------------------------- how numbers are shown


def fmt(x: Any, precision: int = 4) -> str:
    """A number or a small array, compactly; a large array as its shape and a summary."""
    if isinstance(x, np.ndarray) and x.ndim > 0:
        if x.size <= 6:
            return "[" + ", ".join(fmt(v, precision) for v in x.ravel()) + "]"
        return f"mean {x.mean():.{precision}g}, ‖·‖ {np.linalg.norm(x):.{precision}g}"
    value = float(x)
    return f"{value:.{precision}g}" if np.isfinite(value) else str(value)


def _shape_text(node: Node) -> str:
    data = node.data
    if isinstance(data, np.ndarray):
        return f"{tuple(data.shape)} {data.dtype}"
    return ""


def has_grad(node: Node) -> bool:
    """Whether a backward pass has given ``node`` a gradient (a Value's starts at 0)."""
    g = node.grad
    return g is not None and bool(np.any(np.asarray(g) != 0))


class _Drawing:
    def __init__(self, root, style, rankdir, show_grad, precision, model, collapse, max_nodes,
                 grad_of: Callable[[Node], Any] | None = None, highlight=frozenset(),
                 revealed: Callable[[Node], bool] | None = None) -> None:
        if not isinstance(root, Node):
            raise TypeError(f"draw_graph needs a Value or Tensor, got {type(root).__name__}")
        if style not in ("circuit", "record"):
            raise ValueError(f"unknown style {style!r}; choose 'circuit' or 'record'")
        if rankdir not in ("LR", "RL", "TB", "BT"):
            raise ValueError(f"rankdir must be LR, RL, TB or BT, got {rankdir!r}")
        self.root, self.style, self.rankdir, self.precision = root, style, rankdir, precision
        self.nodes = topological_order(root)[::-1]  # parents first: a reading order
        self.ids = {id(n): f"n{i}" for i, n in enumerate(self.nodes)}
        self.grad_of = grad_of or (lambda n: n.grad)
        self.revealed = revealed or (lambda n: True)
        self.show_grad = show_grad and (grad_of is not None or has_grad(root))
        self.highlight = highlight
        self.names, self.modules, self.param_modules = _model_names(model)
        self.collapse = collapse and model is not None
        if len(self.nodes) > max_nodes and not self.collapse:
            warnings.warn(f"draw_graph: the graph has {len(self.nodes):,} nodes; dot needs "
                          "long to lay out more than a few thousand, and nobody can read "
                          "them. Pass model= and collapse=True to draw each layer as one "
                          "node.", stacklevel=3)
        self.consumers: dict[int, list[tuple[Node, int]]] = {id(n): [] for n in self.nodes}
        for child in self.nodes:
            for i, parent in enumerate(child.parents):
                self.consumers[id(parent)].append((child, i))

    # ---------------------------------------------------------------- names and labels

    def name(self, node: Node) -> str:
        if id(node) in self.names:
            return self.names[id(node)]
        if node.label:
            return node.label
        if not node.parents:  # a constant: its value is its name
            return fmt(node.data, self.precision)
        return ""

    def value_text(self, node: Node) -> str:
        return fmt(node.data, self.precision)

    def grad_text(self, g: Any) -> str | None:
        """A gradient as text, or None where there is none (a Tensor that needs no grad)."""
        return None if g is None else fmt(g, self.precision)

    def wire_label(self, value: str, grad: str | None) -> str:
        rows = f"{html.escape(value)}"
        if grad is not None and self.show_grad:
            rows += f'<br/><font color="{RED}">{html.escape(grad)}</font>'
        return f"<{rows}>"

    # ---------------------------------------------------------------- building the picture

    def graph(self) -> graphviz.Digraph:
        g = graphviz.Digraph(graph_attr={"rankdir": self.rankdir, "fontname": "Helvetica",
                                         "nodesep": "0.25", "ranksep": "0.45"},
                             node_attr={"fontname": "Helvetica", "fontsize": "11"},
                             edge_attr={"fontname": "Helvetica", "fontsize": "10",
                                        "arrowsize": "0.6"})
        if self.collapse:
            self._collapsed(g)
        elif self.style == "circuit":
            self._circuit(g)
        else:
            self._record(g)
        return g

    def _container(self, node: Node) -> str | None:
        """The (possibly nested) cluster a node belongs in, when a model was given."""
        if node.scope is not None and id(node.scope) in self.modules:
            return self.modules[id(node.scope)]
        return self.param_modules.get(id(node))  # a parameter: its module's cluster

    def _emit_clustered(self, g: graphviz.Digraph, items: list[tuple[str | None, Callable]]):
        """Add node statements, each inside the nested clusters its module path names."""
        tree: dict = {}
        for path, add in items:
            where = tree
            for part in _cluster_parts(path):
                where = where.setdefault(part, {})
            where.setdefault(None, []).append(add)

        def fill(graph, level: dict, prefix: str) -> None:
            for add in level.get(None, []):
                add(graph)
            for key, sub in level.items():
                if key is None:
                    continue
                full = f"{prefix}.{key}" if prefix else key
                with graph.subgraph(name=f"cluster_{full}") as c:
                    c.attr(label=full, style="rounded,dashed", color="#888888",
                           fontcolor="#555555", fontsize="10")
                    fill(c, sub, full)

        fill(g, tree, "")

    def _circuit(self, g: graphviz.Digraph) -> None:
        items = []
        for node in self.nodes:
            nid = self.ids[id(node)]
            path = self._container(node)
            fill = HIGHLIGHT if id(node) in self.highlight else "white"
            if node.parents:
                text = symbol(node.op)
                shape = "circle" if len(text) <= 3 else "box"
                attrs = {"shape": shape, "style": "filled,rounded" if shape == "box"
                         else "filled", "fillcolor": fill, "fixedsize": "false",
                         "width": "0.35", "height": "0.35", "margin": "0.04"}
                items.append((path, lambda c, nid=nid, text=text, attrs=attrs:
                              c.node(nid, text, **attrs)))
            else:
                items.append((path, lambda c, nid=nid, node=node, fill=fill:
                              c.node(nid, self._leaf_label(node), shape="plaintext",
                                     style="filled", fillcolor=fill)))
        self._emit_clustered(g, items)
        for child in self.nodes:
            for i, parent in enumerate(child.parents):
                grad = None
                if self.show_grad and self.revealed(child):
                    grad = self.grad_text(edge_grad(child, i, self.grad_of(child)))
                g.edge(self.ids[id(parent)], self.ids[id(child)],
                       label=self.wire_label(self.value_text(parent), grad))
        out = self.ids[id(self.root)] + "_out"
        name = self.name(self.root) or "out"
        g.node(out, html.escape(name), shape="plaintext")
        root_grad = self.grad_text(self.grad_of(self.root)) if self.revealed(self.root) else None
        g.edge(self.ids[id(self.root)], out,
               label=self.wire_label(self.value_text(self.root), root_grad))

    def _leaf_label(self, node: Node) -> str:
        text = html.escape(self.name(node))
        extra = _shape_text(node)
        if extra and isinstance(node.data, np.ndarray) and node.data.size > 6:
            text += f'<br/><font point-size="9">{html.escape(extra)}</font>'
        if self.show_grad and self.revealed(node) and len(self.consumers[id(node)]) > 1:
            total = self.grad_text(self.grad_of(node))  # the wires' gradients add up to this
            if total is not None:
                text += f'<br/><font color="{RED}">Σ {html.escape(total)}</font>'
        return f"<{text}>"

    def _record(self, g: graphviz.Digraph) -> None:
        items = []
        for node in self.nodes:
            nid = self.ids[id(node)]
            path = self._container(node)
            cells = [self.name(node) or " ", f"data {self.value_text(node)}"]
            if _shape_text(node):
                cells.insert(1, _shape_text(node))
            grad = self.grad_text(self.grad_of(node))
            if self.show_grad and self.revealed(node) and grad is not None:
                cells.append(f"grad {grad}")
            label = "{ " + " | ".join(_record_escape(c) for c in cells) + " }"
            fill = HIGHLIGHT if id(node) in self.highlight else "white"
            items.append((path, lambda c, nid=nid, label=label, fill=fill:
                          c.node(nid, label, shape="record", style="filled", fillcolor=fill)))
            if node.parents:
                items.append((path, lambda c, nid=nid, node=node:
                              c.node(nid + "_op", symbol(node.op), shape="ellipse",
                                     width="0.3", height="0.3")))
        self._emit_clustered(g, items)
        for node in self.nodes:
            nid = self.ids[id(node)]
            if node.parents:
                g.edge(nid + "_op", nid)
                for parent in node.parents:
                    g.edge(self.ids[id(parent)], nid + "_op")

    def _collapsed(self, g: graphviz.Digraph) -> None:
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
                    g.node("m_" + key, f"{key}\\n{count} nodes", shape="box3d")
                    drawn.add(key)
            else:
                g.node(self.ids[id(node)], symbol(node.op) if node.parents
                       else self.name(node) or " ", shape="circle" if node.parents
                       else "plaintext")
        edges = set()
        for child in self.nodes:
            for parent in child.parents:
                a = "m_" + group[id(parent)] if id(parent) in group else self.ids[id(parent)]
                b = "m_" + group[id(child)] if id(child) in group else self.ids[id(child)]
                if a != b and (a, b) not in edges:
                    edges.add((a, b))
                    g.edge(a, b)


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


def _record_escape(text: str) -> str:
    for ch in "\\{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text
