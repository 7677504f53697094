"""What a picture shows, as data: boxes, wires and the clusters they sit in, and the one
writer that turns it into DOT for Graphviz.

Every picture of the library (the circuit and record diagrams, the backward pass step by
step, the exercise marks, the worksheets, the explorer, the network picture) builds a
:class:`Picture` and lets :func:`to_dot` write it, so what a picture holds can be read (and
tested) without parsing DOT, and a picture of your own can be drawn the same way.
Labels are Graphviz labels: plain text, or ``<...>`` HTML-like labels whose text the
builder has escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Box:
    """One drawn node: a gate, a value, a neuron, a caption. ``cluster`` is the path of the
    cluster it sits in (``layers.0.neurons.1``: nested), or None."""

    id: str
    label: str
    attrs: dict[str, str] = field(default_factory=dict)
    cluster: str | None = None


@dataclass
class Wire:
    """One drawn edge, from box ``tail`` to box ``head``, with its label, if any (in a
    diagram, the value above and the gradient below it, in red)."""

    tail: str
    head: str
    label: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Picture:
    """A whole picture: its boxes and wires in the order they were added, the look of each
    cluster, and Graphviz's graph, node and edge attributes (direction, fonts, sizes)."""

    graph_attrs: dict[str, str] = field(default_factory=dict)
    node_attrs: dict[str, str] = field(default_factory=dict)
    edge_attrs: dict[str, str] = field(default_factory=dict)
    items: list[Box | Wire] = field(default_factory=list)
    cluster_attrs: Callable[[str], dict[str, str]] = lambda path: {"label": path}
    cluster_order: Sequence[str] = ()  # clusters drawn in this order (others after)
    nested: Callable[[str], list[str]] = lambda path: [path]  # a cluster path's levels

    def box(self, id: str, label: str, cluster: str | None = None, **attrs: str) -> Box:
        made = Box(id, label, attrs, cluster)
        self.items.append(made)
        return made

    def wire(self, tail: str, head: str, label: str | None = None, **attrs: str) -> Wire:
        made = Wire(tail, head, label, attrs)
        self.items.append(made)
        return made

    @property
    def boxes(self) -> list[Box]:
        return [item for item in self.items if isinstance(item, Box)]

    @property
    def wires(self) -> list[Wire]:
        return [item for item in self.items if isinstance(item, Wire)]


def to_dot(picture: Picture, graph: Any) -> Any:
    """Write ``picture`` into ``graph`` (an empty ``graphviz.Digraph``) and return it: the
    boxes added before the first wire, each inside its nested clusters (clusters in
    ``cluster_order``), then the wires and whatever was added after them, in order."""
    graph.graph_attr.update(picture.graph_attrs)
    graph.node_attr.update(picture.node_attrs)
    graph.edge_attr.update(picture.edge_attrs)
    first_wire = next((k for k, item in enumerate(picture.items) if isinstance(item, Wire)),
                      len(picture.items))
    tree: dict = {}
    for box in picture.items[:first_wire]:
        where = tree
        for level in picture.nested(box.cluster) if box.cluster else []:
            where = where.setdefault(level, {})
        where.setdefault(None, []).append(box)
    order = {name: k for k, name in enumerate(picture.cluster_order)}

    def fill(g: Any, level: dict, prefix: str) -> None:
        for box in level.get(None, []):
            g.node(box.id, box.label, **box.attrs)
        keys = sorted((k for k in level if k is not None),
                      key=lambda k: order.get(f"{prefix}.{k}" if prefix else k, len(order)))
        for key in keys:
            path = f"{prefix}.{key}" if prefix else key
            with _cluster(g, path) as sub:
                sub.attr(**picture.cluster_attrs(path))
                fill(sub, level[key], path)

    fill(graph, tree, "")
    for item in picture.items[first_wire:]:
        if isinstance(item, Wire):
            graph.edge(item.tail, item.head, label=item.label, **item.attrs)
        else:
            graph.node(item.id, item.label, **item.attrs)
    return graph


@contextmanager
def _cluster(graph: Any, path: str) -> Iterator[Any]:
    with graph.subgraph(name=f"cluster_{path}") as sub:
        yield sub
