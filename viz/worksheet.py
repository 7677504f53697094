"""Worksheets a teacher hands out, and random exercises for quizzes.

``worksheet(root, hide="grads")`` draws the graph with the hidden numbers replaced by
numbered blanks (``?1``, ``?2`` …) and, beside it, the key with the answers; ``viz.check``
accepts the blanks' ids. ``random_exercise(seed)`` makes a small expression to work on:
the same seed gives the same exercise on every machine.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Node, Value, backward_pass, forward_order

from .blanks import Blank, remember
from .check import check
from .diagram import Diagram, Drawing, fmt, save


class Worksheet:
    """``.graph``: the diagram with blanks; ``.key``: the same with the answers;
    ``.blanks``: what each blank asks for. ``.save(path)`` writes both; ``.check(answers)``
    grades answers keyed by this sheet's blank ids."""

    def __init__(self, graph: Diagram, key: Diagram, blanks: list[Blank],
                 marks: dict | None = None, root: Node | None = None) -> None:
        self.graph, self.key, self.blanks = graph, key, blanks
        self.marks = marks or {}  # how the blanks are drawn (for viz.explore)
        self.root = root

    def check(self, answers: Mapping[str, Any], rtol: float = 1e-3, atol: float = 1e-6,
              lr: float | None = None) -> Any:
        """``viz.check`` of answers keyed by this sheet's blank ids (``{"?3": 0.25}``),
        values and gradients alike: each blank says which it asks for."""
        by_id = {b.id: b for b in self.blanks}
        unknown = [key for key in answers if key not in by_id]
        if unknown:
            raise KeyError(f"check: no blank {unknown[0]} on this worksheet; its blanks are "
                           f"{', '.join(by_id)}")
        values = {k: v for k, v in answers.items() if by_id[k].quantity == "value"}
        grads = {k: v for k, v in answers.items() if by_id[k].quantity == "grad"}
        return check(self.root, values=values or None, grads=grads or None, rtol=rtol,
                     atol=atol, lr=lr, worksheet=self)

    def save(self, path: str | Path) -> tuple[Path, Path]:
        """Write the worksheet to ``path`` and its key beside it (``sheet.svg`` and
        ``sheet-key.svg``; svg, png or pdf)."""
        path = Path(path)
        key_path = path.with_name(f"{path.stem}-key{path.suffix}")
        return save(self.graph, path), save(self.key, key_path)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return self.graph._repr_mimebundle_(include, exclude)

    def __repr__(self) -> str:
        return (f"Worksheet({len(self.blanks)} blanks: "
                + ", ".join(f"{b.id} = {b.quantity} of {b.label}" for b in self.blanks) + ")")


def worksheet(root: Node, hide: str | list = "grads", seed: int | None = None,
              precision: int = 4, theme: Any = None) -> Worksheet:
    """The diagram of ``root`` with numbers hidden behind numbered blanks, and its key.

    ``hide``: ``"grads"`` (every gradient but the output's, which is 1), ``"values"`` (every
    computed value; inputs stay), ``"both"``, or a list of nodes (their gradients and, for
    computed nodes, values). Blanks are numbered forward (values) then backward (gradients);
    with ``seed``, their numbers are shuffled, so each student's sheet differs. A gradient
    blank stands for ∂out/∂node, the sum over the node's wires. Nothing hidden appears in
    the worksheet's DOT source.
    """
    if not isinstance(root, Node):
        raise TypeError(f"worksheet needs a Value or Tensor, got {type(root).__name__}")
    nodes = forward_order(root)
    passed = backward_pass(root)
    grads = {id(n): g for n, g in passed}
    backward = [n for n, _ in passed]
    asked: list[tuple[Node, str]] = []
    if isinstance(hide, str):
        if hide not in ("grads", "values", "both"):
            raise ValueError(f"worksheet: hide must be 'grads', 'values', 'both' or a list of "
                             f"nodes, got {hide!r}")
        if hide in ("values", "both"):
            asked += [(n, "value") for n in nodes if n.parents]
        if hide in ("grads", "both"):
            asked += [(n, "grad") for n in backward if n is not root and n.requires_grad]
    else:
        chosen = list(hide)
        for n in chosen:
            if not any(n is m for m in nodes):
                raise ValueError("worksheet: a node to hide is not in the graph of root")
        asked += [(n, "value") for n in nodes if n.parents and any(n is c for c in chosen)]
        asked += [(n, "grad") for n in backward if any(n is c for c in chosen)]
    numbers = list(range(1, len(asked) + 1))
    if seed is not None:
        np.random.default_rng(seed).shuffle(numbers)
    blanks = [Blank(f"?{k}", _label(n), quantity, n.data if quantity == "value" else grads[id(n)],
                    n) for k, (n, quantity) in zip(numbers, asked)]
    blanks.sort(key=lambda b: int(b.id[1:]))
    sheet, key = {}, {}
    for b in blanks:
        answer = html.escape(fmt(b.answer, precision))
        for marks, text in ((sheet, html.escape(b.id)), (key, f"{html.escape(b.id)} = {answer}")):
            mark = marks.setdefault(id(b.node), {})
            mark[b.quantity] = f"<b>{text}</b>" if b.quantity == "value" else text
    for n in nodes:  # every other gradient is drawn per node too, so blanks read the same
        if n.requires_grad and n is not root:
            for marks in (sheet, key):
                marks.setdefault(id(n), {}).setdefault("grad", html.escape(fmt(grads[id(n)],
                                                                              precision)))
    remember(root, blanks)

    def draw(marks: dict) -> Diagram:
        return Drawing(root, "circuit", "LR", True, precision, None, False, 10**9,
                       grad_of=lambda n: grads[id(n)], who="worksheet", theme=theme,
                       expand=True, marks=marks).graph()

    return Worksheet(draw(sheet), draw(key), blanks, sheet, root)


def _label(node: Node) -> str:
    return node.label or f"{node.op} node"


# ---------------------------------------------------------------- random exercises

_OPS = ("+", "*", "sigmoid", "relu", "tanh", "exp", "**2")
_UNARY = {"sigmoid", "relu", "tanh", "exp", "**2", "sin", "cos", "arctan", "softplus", "abs"}
_BINARY = {"+", "-", "*"}


def random_exercise(seed: int, size: int = 6, ops: tuple[str, ...] = _OPS,
                    fan_out: bool = True) -> Value:
    """A small random expression to backpropagate by hand: ``size`` operations drawn from
    ``ops`` over two or three labelled inputs with round values (multiples of 0.5, not 0).

    The same ``seed`` gives the same exercise on every machine (numpy's PCG64). With
    ``fan_out`` one intermediate result is used twice, so that its gradient is a sum.
    Intermediates are labelled a, c, d …; the output is L. Ready for :func:`worksheet`.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"random_exercise: seed must be an integer, got {seed!r}")
    if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= 30:
        raise ValueError(f"random_exercise: size must be an integer from 2 to 30, got {size!r}")
    unknown = sorted(set(ops) - _UNARY - _BINARY)
    if unknown or not ops:
        raise ValueError(f"random_exercise: unknown ops {unknown}; choose from "
                         f"{', '.join(sorted(_UNARY | _BINARY))}")
    rng = np.random.default_rng(seed)
    names = iter("acdefghkmnpqrstuvyz")  # not x, w, b: the inputs' names
    values = [v for v in np.arange(-2.0, 2.01, 0.5) if v != 0]
    count = int(rng.integers(2, 4))
    inputs = [Value(float(rng.choice(values)), label=name)
              for name in ("x", "w", "b")[:count]]
    pool: list[Value] = list(inputs)
    unused: list[Value] = list(inputs)
    reused = False
    for step in range(size):
        op = str(rng.choice(list(ops)))
        if op in _BINARY or len(pool) < 1:
            op = op if op in _BINARY else "+"
            a = unused.pop(0) if unused else pool[-1]
            choices = [v for v in pool if v is not a] or pool
            if fan_out and not reused and step >= 1 and len(pool) > len(inputs):
                b = pool[len(inputs)]  # an intermediate, used a second time
                reused = True
            else:
                b = unused.pop(0) if unused else choices[int(rng.integers(len(choices)))]
            node = {"+": a + b, "-": a - b, "*": a * b}[op]
        else:
            a = b = unused.pop(0) if unused else pool[-1]
            node = a**2 if op == "**2" else getattr(a, op)()
        node.label = next(names)
        pool.append(node)
        unused = [v for v in unused if v is not a and v is not b] + [node]
    root = pool[-1]
    for leftover in [v for v in unused if v is not root]:  # every input reaches the output
        root = root + leftover
        root.label = next(names)
    if fan_out:  # make sure one result feeds two places: its gradient is then a sum
        uses: dict[int, int] = {}
        for node in forward_order(root):
            for parent in node.parents:
                uses[id(parent)] = uses.get(id(parent), 0) + 1
        if max(uses.values(), default=0) < 2:
            again = next((v for v in pool[len(inputs):] if uses.get(id(v)) == 1), inputs[0])
            root = root * again if str(rng.choice(["+", "*"])) == "*" else root + again
            root.label = next(names)
    root.label = "L"
    return root
