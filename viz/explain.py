"""The chain rule written out: every path from a leaf to the root, as seeds 001 and 002 do
by hand, with each local derivative's formula and value."""

from __future__ import annotations

from dataclasses import dataclass

from autograd import (
    Node,
    Value,
    consumers,
    forward_order,
    grad,
    local_derivative,
    ops,
    topological_order,
)
from autograd.language import tr

from .diagram import fmt, gate_names, symbol


@dataclass
class Step:
    """One edge of a path: d(child)/d(parent) with its formula and value."""

    parent: str
    child: str
    formula: str
    value: float
    passes_on: bool = False  # a + (or the first input of a -): the factor is exactly 1


@dataclass
class Path:
    steps: list[Step]

    @property
    def product(self) -> float:
        p = 1.0
        for s in self.steps:
            p *= s.value
        return p

    def shown(self, full: bool) -> list[Step]:
        """The factors written out: all of them, or (by default) all but the 1s of ``+``."""
        kept = [s for s in self.steps if full or not (s.passes_on and s.value == 1.0)]
        return kept or self.steps[-1:]


class Explanation:
    """∂root/∂leaf as a sum over paths of products of local derivatives.

    Condensed by default: a ``+`` passes its gradient on unchanged, so its factor 1 is not
    written (``full=True`` writes every factor). Each factor shows its formula and value.
    """

    def __init__(self, root_name: str, leaf_name: str, paths: list[Path], gradient: float,
                 full: bool = False):
        self.root_name, self.leaf_name = root_name, leaf_name
        self.paths, self.gradient, self.full = paths, gradient, full

    @property
    def total(self) -> float:
        return sum(p.product for p in self.paths)

    def __str__(self) -> str:
        lines = [f"∂{self.root_name}/∂{self.leaf_name}: "
                 + tr("one path from {leaf} to {root}" if len(self.paths) == 1 else
                      "{n} paths from {leaf} to {root}", n=len(self.paths),
                      leaf=self.leaf_name, root=self.root_name)]
        folded = 0
        for k, path in enumerate(self.paths, 1):
            shown = path.shown(self.full)
            folded += len(path.steps) - len(shown)
            chain = " → ".join([path.steps[0].parent, *(s.child for s in path.steps)])
            lines.append(f"{tr('path')} {k}: {chain}")
            for s in shown:
                lines.append(f"    ∂{s.child}/∂{s.parent} = {s.formula} = {fmt(s.value, 6)}")
            lines.append(f"    {tr('product')} = {' · '.join(fmt(s.value, 6) for s in shown)} "
                         f"= {fmt(path.product, 6)}")
        lines.append(f"{tr('sum over paths')} = {fmt(self.total, 8)}   ({tr('backprop gives')} "
                     f"{fmt(self.gradient, 8)})")
        if folded:
            lines.append(tr("(one factor of 1 from + not written: a + passes its gradient on "
                            "unchanged; explain(..., full=True) writes it)" if folded == 1 else
                            "({n} factors of 1 from + not written: a + passes its gradient on "
                            "unchanged; explain(..., full=True) writes them)", n=folded))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_latex_(self) -> str:
        """One aligned line per path (its factors, each with its value under it, and their
        product), then the sum."""
        def tex(name: str) -> str:
            return name.replace("·", r"\cdot ").replace("_", r"\_")

        rows = []
        for k, path in enumerate(self.paths):
            factors = r"\,".join(
                rf"\underbrace{{\frac{{\partial\,{tex(s.child)}}}{{\partial\,{tex(s.parent)}}}}}"
                rf"_{{{fmt(s.value, 4)}}}" for s in path.shown(self.full))
            lead = (rf"\frac{{\partial {tex(self.root_name)}}}{{\partial {tex(self.leaf_name)}}}"
                    " &= " if k == 0 else r" &\quad + ")
            rows.append(rf"{lead}{factors} && = {fmt(path.product, 6)}")
        rows.append(rf" &= {fmt(self.total, 6)}")
        return r"$$\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}$$"


def explain(root: Node, leaf: Node, full: bool = False, max_paths: int = 200) -> Explanation:
    """Every path from ``leaf`` to ``root`` with the local derivative on each edge, the
    product along each path and their sum, which equals the gradient backprop computes.

    Nodes are named by their labels (others by operation, numbered: ×₁, σ₁). The factors 1
    of ``+`` gates are folded away unless ``full=True``.
    """
    if not isinstance(root, Value) or not isinstance(leaf, Value):
        raise TypeError("explain works on Values: a Tensor's local derivatives are Jacobians, "
                        "not numbers to multiply along a path")
    if leaf is root:
        raise ValueError("explain: leaf is root itself; pick one of the inputs it was computed "
                         "from")
    nodes = topological_order(root)
    if not any(n is leaf for n in nodes):
        raise ValueError("explain: root does not depend on leaf")
    names = _names(nodes)
    users = consumers(nodes)
    paths: list[Path] = []
    stack: list[tuple[Node, list[Step]]] = [(leaf, [])]
    while stack:  # depth first over the ways forward from leaf
        node, steps = stack.pop()
        if node is root:
            paths.append(Path(steps))
            if len(paths) > max_paths:
                raise ValueError(f"explain: more than {max_paths} paths from {names[id(leaf)]}"
                                 f" to {names[id(root)]}; pick a node closer to the root")
            continue
        for child, i in reversed(users.get(id(node), ())):
            step = Step(names[id(node)], names[id(child)], _formula(child, i, names),
                        local_derivative(child, i),
                        passes_on=child.op == "+" or (child.op == "-" and i == 0))
            stack.append((child, [*steps, step]))
    (gradient,) = grad(root, [leaf])
    return Explanation(names[id(root)], names[id(leaf)], paths, gradient, full)


def _names(nodes: list[Node]) -> dict[int, str]:
    """Labels where given; constants by value; other nodes by their operation, numbered in
    forward order as a diagram's gates are when several share one (×₁, ×₂)."""
    gates = gate_names(forward_order(nodes[0]))  # (nodes[0] is the root) as diagrams number
    return {id(n): n.label or gates.get(id(n)) or fmt(n.data, 4) for n in nodes}


def _formula(child: Node, i: int, names: dict[int, str]) -> str:
    """d child / d its i-th input, as the op table writes it, with the nodes' names."""
    args = {"a": names[id(child.parents[0])],
            "b": names[id(child.parents[1])] if len(child.parents) > 1 else ""}
    text = ops.formula(child.op, i, **args)
    return f"∂{symbol(child.op)}" if text is None else text
