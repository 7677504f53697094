"""The graph core shared by every node type: recording, ordering, and the backward pass.

A node is anything with the attributes the engine and the renderer read:
``data``, ``grad``, ``label``, ``op`` (the operation that made it, ``""`` for a leaf)
and ``parents`` (the nodes it was computed from, in argument order).

How the chain rule reaches the parents is the one thing node types differ in, and it is
kept in ``_local``:

- a tuple of numbers, one per parent: the local derivatives ``d node / d parent``
  (scalar nodes, :class:`autograd.Value`);
- a function ``grad -> tuple of parent gradients``: the vector-Jacobian product
  (array nodes, :class:`autograd.Tensor`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import count
from typing import Any

_grad_enabled = True
_next_id = count(1).__next__  # creation number: a parent is always older than its children
_next_pass = count(1).__next__  # stamps the nodes one backward pass has reached


class Node:
    """Base of every graph node. Subclasses fill the slots when they create a node."""

    __slots__ = ("_g", "_id", "_local", "_mark", "data", "grad", "label", "op", "parents")

    data: Any
    grad: Any
    label: str | None
    op: str
    parents: tuple[Node, ...]

    def __hash__(self) -> int:  # identity: subclasses compare by value with ==
        return id(self)

    @property
    def is_leaf(self) -> bool:
        """True for a node that no operation produced (an input, a weight, a constant)."""
        return not self.parents

    def backward(self, gradient: Any = None) -> None:
        """Fill ``.grad`` of this node and of every node it depends on, by reverse mode.

        Gradients *accumulate*: a second call adds to ``.grad`` (as in PyTorch), so zero
        them between training steps (:meth:`zero_grad`, or an optimizer's ``zero_grad``).
        """
        backpropagate(self, self._seed(gradient), accumulate=True)

    def zero_grad(self) -> None:
        """Reset the gradient of this node and of every node it was computed from."""
        for node in topological_order(self):
            node._reset_grad()

    def _seed(self, gradient: Any) -> Any:  # pragma: no cover - every node type overrides
        raise NotImplementedError

    def _reset_grad(self) -> None:  # pragma: no cover - every node type overrides
        raise NotImplementedError


def is_grad_enabled() -> bool:
    """Whether operations are being recorded into the graph right now."""
    return _grad_enabled


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block operations compute values but record no graph (as ``torch.no_grad``).

    Use it for evaluation, parameter updates, and finite differences.
    """
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def record(node: Node, data: Any, op: str, parents: tuple, local: Any, grad: Any = None) -> Node:
    """Fill a new node's slots; under ``no_grad`` it is stored as a leaf with no history."""
    node.data = data
    node.grad = grad
    node.label = None
    node.op = op
    if _grad_enabled:
        node.parents = parents
        node._local = local
    else:
        node.parents = ()
        node._local = ()
    node._id = _next_id()
    node._mark = 0
    node._g = 0.0
    return node


def topological_order(root: Node) -> list[Node]:
    """Every node ``root`` depends on (and ``root``), each listed before its parents.

    Iterative, so graphs of any depth work. Each node reached is stamped with this pass's
    number and its pass gradient ``_g`` is cleared. Nodes are numbered at creation, so
    sorting by that number, newest first, puts every node before the nodes it came from.
    """
    mark = _next_pass()
    root._mark = mark
    root._g = 0.0
    nodes = [root]
    stack = [root]
    pop, push, keep = stack.pop, stack.append, nodes.append
    while stack:
        for parent in pop().parents:
            if parent._mark != mark:
                parent._mark = mark
                parent._g = 0.0
                push(parent)
                keep(parent)
    nodes.sort(key=_creation_number, reverse=True)
    return nodes


def _creation_number(node: Node) -> int:
    return node._id


def backpropagate(root: Node, seed: Any, accumulate: bool) -> list[Node]:
    """Reverse mode: push ``seed`` (d root / d root) back to every node ``root`` depends on.

    Each node's gradient for this pass is gathered in ``_g``; with ``accumulate`` it is then
    added to ``.grad``. Keeping the pass's gradient apart from ``.grad`` is what makes a
    second ``backward()`` add exactly one more gradient, intermediate nodes included.
    Returns the nodes in the order they were processed.
    """
    order = topological_order(root)
    root._g = seed
    for node in order:
        g = node._g
        if accumulate:
            total = node.grad
            node.grad = g if total is None else total + g
        parents = node.parents
        if not parents:
            continue
        local = node._local
        if type(local) is tuple:  # scalar chain rule: d root/d parent += d node/d parent * g
            for parent, derivative in zip(parents, local):
                parent._g += derivative * g
        else:  # array chain rule: a vector-Jacobian product per parent
            for parent, contribution in zip(parents, local(g)):
                if contribution is not None:
                    parent._g = parent._g + contribution
    return order


def grad(output: Node, inputs: Iterable[Node]) -> list[Any]:
    """Gradients of ``output`` with respect to each of ``inputs``, leaving every ``.grad`` as it was.

    An input that ``output`` does not depend on gets a zero gradient.
    """
    if not isinstance(output, Node):
        raise TypeError(f"grad() needs a Value or Tensor output, got {type(output).__name__}")
    inputs = list(inputs)
    for x in inputs:
        if not isinstance(x, Node):
            raise TypeError(f"grad() inputs must be Values or Tensors, got {type(x).__name__}")
    backpropagate(output, output._seed(None), accumulate=False)
    mark = output._mark
    return [x._zero_like() if x._mark != mark else x._g for x in inputs]


def zero_grad(nodes: Iterable[Node]) -> None:
    """Reset the gradient of each given node (for example a model's parameters)."""
    for node in nodes:
        node._reset_grad()
