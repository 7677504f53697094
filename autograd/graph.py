"""The graph core shared by every node type: recording, ordering, and the backward pass.

A node is anything with the attributes the engine and the renderer read:
``data``, ``grad``, ``label``, ``op`` (the operation that made it, ``""`` for a leaf)
and ``parents`` (the nodes it was computed from, in argument order).

How the chain rule reaches the parents is the one thing node types differ in, and it is
kept in ``_local``, one entry per parent:

- a tuple of numbers: the local derivatives ``d node / d parent``
  (scalar nodes, :class:`autograd.Value`);
- a list of functions ``g -> gradient for that parent``: vector-Jacobian products
  (array nodes, :class:`autograd.Tensor`), called only for parents with ``requires_grad``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import count
from operator import attrgetter
from typing import Any

_grad_enabled = True
_scope: Any = None  # stamped on every node recorded; see in_scope()
_next_id = count(1).__next__  # creation number: a parent is always older than its children
_next_pass = count(1).__next__  # stamps the nodes one backward pass has reached


class Node:
    """Base of every graph node. Subclasses fill the slots when they create a node."""

    __slots__ = ("_g", "_id", "_local", "_mark", "data", "grad", "label", "op", "parents",
                 "scope")

    data: Any
    grad: Any
    label: str | None
    op: str
    parents: tuple[Node, ...]
    requires_grad: bool  # whether backward() fills this node's .grad
    scope: Any  # what was computing when this node was made (a module, say), or None

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

    def _as_grad(self, g: Any) -> Any:  # pragma: no cover - every node type overrides
        """A pass gradient as this node's gradient type (0.0 means nothing flowed here)."""
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


def in_scope(owner: Any, compute: Any, *args: Any) -> Any:
    """``compute(*args)``, with every node recorded meanwhile stamped ``scope = owner``.

    ``nn.Module`` calls its ``forward`` this way, so a diagram can group a model's nodes by
    the layer or neuron that computed them. Nested calls stamp the innermost owner.
    """
    global _scope
    outer, _scope = _scope, owner
    try:
        return compute(*args)
    finally:
        _scope = outer


def record(node: Node, grad: Any, data: Any, op: str, parents: tuple, local: Any) -> Node:
    """Fill a new node's slots; under ``no_grad`` it is stored as a leaf with no history.

    ``grad`` is the node type's starting gradient (0.0 for a Value, None for a Tensor).
    """
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
    node.scope = _scope
    return node


def topological_order(root: Node) -> list[Node]:
    """Every node ``root`` depends on (and ``root``), each listed before its parents."""
    interior, leaves = _reachable(root)
    return interior + leaves


def _reachable(root: Node) -> tuple[list[Node], list[Node]]:
    """The nodes ``root`` depends on: computed ones newest first, then the leaves.

    Iterative (breadth first), so graphs of any depth work. Each node reached is stamped
    with this pass's number and its pass gradient ``_g`` is cleared. Nodes are numbered at
    creation, so a parent is always older than its children: newest first is an order in
    which every node's gradient is complete before it is passed on to its parents. Leaves
    pass nothing on, so they need no ordering.
    """
    mark = _next_pass()
    root._mark = mark
    root._g = 0.0
    interior, leaves = ([root], []) if root.parents else ([], [root])
    keep_interior, keep_leaf = interior.append, leaves.append
    for node in interior:  # breadth first: the list grows while we walk it
        for parent in node.parents:
            if parent._mark != mark:
                parent._mark = mark
                parent._g = 0.0
                if parent.parents:
                    keep_interior(parent)
                else:
                    keep_leaf(parent)
    interior.sort(key=_creation_number, reverse=True)
    return interior, leaves


_creation_number = attrgetter("_id")


def backpropagate(root: Node, seed: Any, accumulate: bool) -> None:
    """Reverse mode: push ``seed`` (d root / d root) back to every node ``root`` depends on.

    Each node's gradient for this pass is gathered in ``_g``; with ``accumulate`` it is then
    added to ``.grad``. Keeping the pass's gradient apart from ``.grad`` is what makes a
    second ``backward()`` add exactly one more gradient, intermediate nodes included.
    """
    interior, leaves = _reachable(root)
    root._g = seed
    for node in interior:
        g = node._g
        if accumulate:
            total = node.grad
            node.grad = g if total is None else total + g
        local = node._local
        if type(local) is not tuple:  # array chain rule: a vector-Jacobian product per parent
            for parent, vjp in zip(node.parents, local):
                if parent.requires_grad:
                    total = parent._g
                    parent._g = vjp(g) if total.__class__ is float else total + vjp(g)
        elif len(local) == 2:  # scalar chain rule: d root/d parent += d node/d parent * g
            a, b = node.parents
            da, db = local
            a._g += da * g
            b._g += db * g
        elif len(local) == 1:
            node.parents[0]._g += local[0] * g
        else:
            for parent, derivative in zip(node.parents, local):
                parent._g += derivative * g
    if accumulate:
        for leaf in leaves:
            if leaf.requires_grad:
                total = leaf.grad
                leaf.grad = leaf._g if total is None else total + leaf._g


def grad(output: Node, inputs: Iterable[Node]) -> list[Any]:
    """Gradients of ``output`` with respect to each of ``inputs``; every ``.grad`` is left as is.

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
    return [x._as_grad(x._g if x._mark == mark else 0.0) for x in inputs]


def zero_grad(nodes: Iterable[Node]) -> None:
    """Reset the gradient of each given node (for example a model's parameters)."""
    for node in nodes:
        node._reset_grad()
