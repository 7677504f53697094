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

import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import count
from operator import attrgetter
from typing import Any

import numpy as np

from .ops import lookup

# What is recording right now, per thread and per asyncio task (as torch.no_grad is per
# thread): (grad enabled, scope stamped on new nodes, the anomaly checks or None; see
# autograd.anomaly). One tuple, so recording a node reads the context once.
_state: ContextVar[tuple[bool, Any, Any]] = ContextVar("autograd_state",
                                                       default=(True, None, None))
_get_state = _state.get
next_id = count(1).__next__  # creation number: a parent is always older than its children
_next_pass = count(1).__next__  # stamps the nodes one backward pass has reached

# When a node's data was last set (or read, for arrays that can be written in place): a
# creation number, so it compares with the ``_id`` of the ops that used the node. One number
# for the whole program: a backward pass checks its nodes only when some data changed after
# the oldest op it goes through was recorded, never in a training loop that changes weights
# between backward() and the next forward pass.
_changes = [0]


def stamp() -> int:
    now = next_id()
    _changes[0] = now
    return now


class Node:
    """Base of every graph node. Subclasses fill the slots when they create a node."""

    __slots__ = ("_changed", "_data", "_g", "_id", "_local", "_mark", "grad", "label", "op",
                 "parents", "scope")

    grad: Any
    label: str | None
    op: str
    parents: tuple[Node, ...]
    requires_grad: bool  # whether backward() fills this node's .grad
    scope: Any  # what was computing when this node was made (a module, say), or None

    def __hash__(self) -> int:  # identity: subclasses compare by value with ==
        return id(self)

    @property
    def data(self) -> Any:
        """The node's value: a float for a Value, a numpy array for a Tensor."""
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        # Setting the data of a node that an op already used makes that op's gradient stale:
        # stamped, so that backward() refuses rather than mix old and new (see _changes).
        self._data = value
        self._changed = (stamp(), 0, None)

    @property
    def is_leaf(self) -> bool:
        """True for a node that no operation produced (an input, a weight, a constant)."""
        return not self.parents

    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Fill ``.grad`` of this node and of every node it depends on, by reverse mode.

        Gradients *accumulate*: a second call adds to ``.grad`` (as in PyTorch), so zero
        them between training steps (:meth:`zero_grad`, or an optimizer's ``zero_grad``).
        With ``create_graph=True`` every gradient is itself a node (a Value or a Tensor)
        whose graph was recorded from the derivatives, so it can be differentiated again;
        ``.grad`` then holds those nodes. ``retain_graph`` is accepted for PyTorch's
        sake: a graph here is never freed by a backward pass.
        """
        if create_graph:
            backpropagate_graph(self, gradient, accumulate=True)
        else:
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

    def _seed_node(self, gradient: Any) -> Node:  # pragma: no cover - every node type overrides
        """d self / d self as a node (a constant 1, or ``gradient``), for create_graph."""
        raise NotImplementedError

    def _fit_grad(self, g: Node) -> Node:  # pragma: no cover - every node type overrides
        """A gradient node reduced to this node's shape (broadcasting undone), as nodes."""
        raise NotImplementedError

    def _zero_node(self) -> Node:  # pragma: no cover - every node type overrides
        """A zero gradient for this node, as a constant node."""
        raise NotImplementedError


def is_grad_enabled() -> bool:
    """Whether operations are being recorded into the graph right now (in this thread)."""
    return _get_state()[0]


@contextmanager
def state_changed(**change: Any) -> Iterator[None]:
    enabled, scope, anomaly = _get_state()
    new = (change.get("enabled", enabled), change.get("scope", scope),
           change.get("anomaly", anomaly))
    token = _state.set(new)
    try:
        yield
    finally:
        _state.reset(token)


def no_grad():
    """Inside this block operations compute values but record no graph (as ``torch.no_grad``).

    Use it for evaluation, parameter updates, and finite differences. It applies to the
    thread (and the asyncio task) that enters it, not to others running meanwhile.
    """
    return state_changed(enabled=False)


def enable_grad():
    """Inside this block operations are recorded again, even within ``no_grad`` (as
    ``torch.enable_grad``): a function that needs its own backward pass (a first derivative
    differentiated numerically, say) works wherever it is called."""
    return state_changed(enabled=True)


def in_scope(owner: Any, compute: Any, *args: Any, **kwargs: Any) -> Any:
    """``compute(*args, **kwargs)``, with every node recorded meanwhile stamped
    ``scope = owner``.

    ``nn.Module`` calls its ``forward`` this way, so a diagram can group a model's nodes by
    the layer or neuron that computed them. Nested calls stamp the innermost owner.
    """
    enabled, _, anomaly = _get_state()
    token = _state.set((enabled, owner, anomaly))  # (no context manager: this runs per module
    try:  # call, so it is kept cheap)
        return compute(*args, **kwargs)
    finally:
        _state.reset(token)


def record(node: Node, grad: Any, data: Any, op: str, parents: tuple, local: Any) -> Node:
    """Fill a new node's slots; under ``no_grad`` it is stored as a leaf with no history.

    ``grad`` is the node type's starting gradient (0.0 for a Value, None for a Tensor).
    """
    enabled, scope, anomaly = _get_state()
    node._data = data
    node.grad = grad
    node.label = None
    node.op = op
    if enabled:
        node.parents = parents
        node._local = local
    else:
        node.parents = ()
        node._local = ()
    node._id = next_id()
    node._mark = 0  # (its pass gradient ``_g`` is set when a pass reaches it)
    node.scope = scope
    if anomaly is not None:  # inside detect_anomaly (autograd.anomaly)
        anomaly.recorded(node)
    return node


def consumers(nodes: Iterable[Node]) -> dict[int, list[tuple[Node, int]]]:
    """Who reads each node, among ``nodes``: ``(child, input index)`` pairs by the ``id`` of
    the node read, in the order of ``nodes``. A graph's wires seen from their tail end, where
    a gradient comes back from (the diagrams, ``explain`` and the exercise checks walk them)."""
    found: dict[int, list[tuple[Node, int]]] = {}
    for child in nodes:
        for i, parent in enumerate(child.parents):
            found.setdefault(id(parent), []).append((child, i))
    return found


def forward_order(root: Node) -> list[Node]:
    """Every node ``root`` depends on (and ``root``) in the order they were created: each
    after its parents, inputs in the order they were made. The order of a forward pass, and
    the reading order of a diagram."""
    interior, leaves = _reachable(root)
    return sorted(interior + leaves, key=_creation_number)


def topological_order(root: Node) -> list[Node]:
    """Every node ``root`` depends on (and ``root``), each listed before its parents."""
    interior, leaves = _reachable(root)
    return interior + leaves


def _reachable(root: Node) -> tuple[list[Node], list[Node]]:
    """The nodes ``root`` depends on: computed ones newest first, then the leaves.

    Iterative, so graphs of any depth work. Each node reached is stamped with this pass's
    number and its pass gradient ``_g`` is cleared. Nodes are numbered at creation, so a
    parent is always older than its children: newest first is an order in which every
    node's gradient is complete before it is passed on to its parents. Leaves pass nothing
    on, so they need no ordering. (The walk is depth first, newest parent first: for an
    expression built left to right that is nearly the order wanted, and sorting a nearly
    sorted list is fast; breadth first took twice as long on micrograd's demo graph.)
    """
    mark = _next_pass()
    root._mark = mark
    root._g = 0.0
    if not root.parents:
        return [], [root]
    interior: list[Node] = []
    leaves: list[Node] = []
    keep_interior, keep_leaf = interior.append, leaves.append
    stack = [root]
    push, pop = stack.append, stack.pop
    while stack:
        node = pop()
        keep_interior(node)
        for parent in node.parents:
            if parent._mark != mark:
                parent._mark = mark
                parent._g = 0.0
                if parent.parents:
                    push(parent)
                else:
                    keep_leaf(parent)
    interior.sort(key=_creation_number, reverse=True)
    return interior, leaves


_creation_number = attrgetter("_id")


def backpropagate(root: Node, seed: Any, accumulate: bool) -> tuple[list[Node], list[Node]]:
    """Reverse mode: push ``seed`` (d root / d root) back to every node ``root`` depends on.

    This is the chain rule, all of it. Each node's gradient for this pass gathers in ``_g``
    (kept apart from ``.grad``, so a second ``backward()`` adds exactly one more gradient);
    every wire into a node passes on (d node / d parent) times (d root / d node), the rule
    :func:`edge_grad` states for one wire and the diagrams draw. With ``accumulate`` the
    pass's gradients are then added to ``.grad``. Returns the nodes reached, in the order
    they were completed: interior ones, then leaves.
    """
    interior, leaves = _reachable(root)  # newest first: a node's users come before it
    if interior and _changes[0] > interior[-1]._id:  # some data changed since recording
        _check_unchanged(interior)
    check = _get_state()[2]  # inside detect_anomaly: autograd.anomaly's hooks
    root._g = seed
    for node in interior:
        g = node._g  # complete: every node that uses this one has passed its gradient on
        if check is not None:
            check.reached(node, g)
        if accumulate:
            total = node.grad  # (an intermediate node's .grad is for reading)
            node.grad = g if total is None else total + g
        local = node._local
        if local.__class__ is tuple:  # numbers: d node / d parent (a Value)
            for parent, derivative in zip(node.parents, local):
                parent._g += derivative * g
        else:  # functions: g -> g times d node / d parent, never forming the Jacobian (a Tensor)
            for parent, vjp in zip(node.parents, local):
                if parent._requires_grad:
                    total = parent._g
                    parent._g = vjp(g) if total.__class__ is float else total + vjp(g)
    if accumulate:
        _add_to_leaves(leaves, interior)
    return interior, leaves


def _add_to_leaves(leaves: list[Node], interior: list[Node]) -> None:
    """Add each leaf's gradient from this pass to its ``.grad``.

    A leaf owns the array in its ``.grad`` (as PyTorch's AccumulateGrad): an array another
    node holds too (a vector-Jacobian product may pass its input on unchanged) or a view of
    another array is copied first. Intermediate nodes keep the pass's arrays as they are.
    """
    held = None  # ids of the arrays other nodes hold
    for leaf in leaves:
        if not leaf._requires_grad:
            continue
        total, g = leaf.grad, leaf._g
        if total is not None:
            leaf.grad = _added(total, g)
        elif g.__class__ is _ndarray:
            if held is None:
                held = {id(node._g) for node in interior}
            if g.base is not None or id(g) in held:
                g = g.copy()
            held.add(id(g))
            leaf.grad = g
        else:
            leaf.grad = g


_ndarray = np.ndarray


def _added(total: Any, g: Any) -> Any:
    """A leaf's ``.grad`` plus this pass's gradient, added into the leaf's own array when it
    has one that can take it (as PyTorch's AccumulateGrad does: ``g = x.grad`` taken before
    a second ``backward()`` sees the sum); a number (a Value's) is replaced."""
    if (total.__class__ is _ndarray and total.flags.writeable
            and np.shape(g) == total.shape and np.can_cast(np.result_type(total, g),
                                                           total.dtype, "same_kind")):
        total += g
        return total
    return total + g


def _check_unchanged(interior: list[Node]) -> None:
    """Refuse a backward pass through an op whose input's data changed after the op used it
    (as PyTorch's version counters): its gradient would mix old and new values."""
    for child in interior:
        for parent in child.parents:
            changed = getattr(parent, "_changed", None)
            if changed is not None and _changed_after(parent, changed, child._id):
                name = parent.label or (f"the output of {parent.op} ({_short(parent)})"
                                        if parent.op else f"a leaf ({_short(parent)})")
                raise RuntimeError(
                    f"backward: the data of {name} was changed after {child.op} used it, so "
                    "the gradient would mix values from before and after the change. Compute "
                    "the forward pass again after changing it (an optimizer's step() goes "
                    "after backward(), a weight update after the gradient is used).")


def _changed_after(node: Node, changed: tuple, when: int) -> bool:
    """Whether ``node``'s data changed after creation number ``when``: it was set after
    then, or read after then (the reader may have written into the array) and differs from
    what it was at that read."""
    written, read, seen = changed
    if written > when:
        return True
    return read > when and seen is not None and fingerprint(node._data) != seen


_SMALL = 1 << 20  # bytes: arrays up to this are kept whole to compare, larger ones hashed


def fingerprint(x: Any) -> Any:
    """What an array held: its shape, dtype and bytes (a CRC-32 of them above 1 MiB)."""
    x = np.ascontiguousarray(x)
    body = x.tobytes() if x.nbytes <= _SMALL else zlib.crc32(x)
    return x.shape, x.dtype.str, body


def _short(node: Node) -> str:
    data = node._data
    return f"{data:g}" if isinstance(data, float) else f"shape {tuple(data.shape)}"


def _own(g: Any, handed: set[int]) -> Any:
    """``g`` to be kept as a gradient of its own: copied if ``handed`` already holds it or it
    is a view of another array; numbers pass unchanged."""
    if g.__class__ is _ndarray:
        if g.base is not None or id(g) in handed:
            g = g.copy()
        handed.add(id(g))
    return g


def edge_grad(child: Node, index: int, child_grad: Any) -> Any:
    """The gradient flowing back along the ``index``-th input wire of ``child``, given the
    gradient of ``child`` (d root / d child): the chain rule for one wire, as
    :func:`backpropagate` applies it (a test holds the two to the same numbers).

    None for a wire into a Tensor that does not require grad (no gradient flows there).
    """
    local = child._local
    if type(local) is tuple:  # scalar node: local derivative times the child's gradient
        return local[index] * child_grad
    if not child.parents[index].requires_grad:
        return None
    return local[index](child_grad)


def local_derivative(child: Node, index: int) -> float:
    """d child / d (its ``index``-th input) of a scalar node, as the op recorded it."""
    local = child._local
    if type(local) is not tuple:
        raise TypeError(f"local_derivative: {child.op} is an array op; its derivative is a "
                        "vector-Jacobian product, see edge_grad()")
    return local[index]


def backward_pass(root: Node, gradient: Any = None) -> list[tuple[Node, Any]]:
    """Reverse mode without touching ``.grad``: each node ``root`` depends on with its gradient
    (d root / d node), in the order the engine completes them, leaves last.

    This is what :meth:`Node.backward` would add to each ``.grad``; the step-by-step
    diagrams are drawn from it.
    """
    interior, leaves = backpropagate(root, root._seed(gradient), accumulate=False)
    return [(node, node._as_grad(node._g)) for node in interior + leaves]


class Backward:
    """The scope of the nodes a backward pass with ``create_graph=True`` records (their
    ``.scope``): the pass's graph, told apart from the forward one (diagrams draw it in
    the gradients' red). ``order`` is 1 for a gradient, 2 for the gradient of a gradient..."""

    __slots__ = ("of", "order")

    def __init__(self, of: Node, order: int) -> None:
        self.of, self.order = of, order

    def __repr__(self) -> str:
        return f"Backward(order={self.order})"


def derivative_order(node: Node) -> int:
    """0 for a node of a forward pass; k for one recorded by the k-th backward pass taken
    with ``create_graph=True`` (a gradient of a gradient is 2)."""
    scope = node.scope
    return scope.order if isinstance(scope, Backward) else 0


def backpropagate_graph(root: Node, gradient: Any, accumulate: bool,
                        inputs: list[Node] | None = None) -> dict[int, Node]:
    """Reverse mode where every gradient is a node: each op's derivative is applied as
    recorded ops (the op table's ``graph_vjp``), so the result can be differentiated again.
    Returns the gradient node of every node reached, by ``id``; with ``accumulate`` they are
    also added to ``.grad``. The new nodes' scope is :class:`Backward`."""
    interior, leaves = _reachable(root)
    if interior and _changes[0] > interior[-1]._id:
        _check_unchanged(interior)
    order = max(derivative_order(n) for n in (*interior, *leaves)) + 1
    grads: dict[int, Node] = {}
    with state_changed(enabled=True, scope=Backward(root, order)):
        grads[id(root)] = root._seed_node(gradient)
        for node in interior:
            g = grads.get(id(node))
            if g is None:
                continue
            op = lookup(node.op)
            rule = op.graph_vjp if op is not None else None
            if rule is None:
                raise NotImplementedError(
                    f"create_graph: the op {node.op!r} has no derivative that can be recorded "
                    "as a graph, so its gradient cannot be differentiated again")
            for parent, part in zip(node.parents, rule(g, node)):
                if part is None or not parent._requires_grad:
                    continue
                part = parent._fit_grad(part)
                total = grads.get(id(parent))
                grads[id(parent)] = part if total is None else total + part
    if accumulate:
        for node in (*interior, *leaves):
            g = grads.get(id(node))
            if g is not None and node._requires_grad:
                total = node.grad
                if total is None or (total.__class__ is float and total == 0.0):
                    node.grad = g
                else:
                    node.grad = g + total
    return grads


def grad(outputs: Node | Sequence[Node], inputs: Node | Iterable[Node],
         grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False) -> list[Any]:
    """Gradients of ``outputs`` with respect to each of ``inputs``, as
    ``torch.autograd.grad``; every ``.grad`` is left as is.

    An input that the outputs do not depend on gets a zero gradient. ``grad_outputs`` seeds
    the pass for a non-scalar output: the result is then the gradient of
    ``sum(output * grad_output)``, a vector-Jacobian product; with several outputs, their
    gradients add up (one ``grad_outputs`` entry each). With ``create_graph=True`` each
    gradient is a node (a Value or a Tensor) recorded from the derivatives, so it can be
    differentiated again (``grad(grad(y, [x], create_graph=True)[0], [x])`` is d²y/dx²);
    otherwise numbers and arrays. ``retain_graph`` is accepted for PyTorch's sake: graphs
    are never freed here.
    """
    many = isinstance(outputs, (list, tuple))
    outs = list(outputs) if many else [outputs]
    seeds = list(grad_outputs) if many and grad_outputs is not None else [grad_outputs]
    if many and grad_outputs is None:
        seeds = [None] * len(outs)
    if len(seeds) != len(outs):
        raise ValueError(f"grad: {len(outs)} outputs but {len(seeds)} grad_outputs")
    for out in outs:
        if not isinstance(out, Node):
            raise TypeError(f"grad() needs a Value or Tensor output, got {type(out).__name__}")
    inputs = [inputs] if isinstance(inputs, Node) else list(inputs)
    for x in inputs:
        if not isinstance(x, Node):
            raise TypeError(f"grad() inputs must be Values or Tensors, got {type(x).__name__}")
    # an output that is a constant (a gradient that no longer depends on anything, as the
    # derivative of x + y) has zero gradients
    pairs = [(out, seed) for out, seed in zip(outs, seeds) if out._requires_grad]
    if create_graph:
        total: list[Any] = [None] * len(inputs)
        for out, seed in pairs:
            grads = backpropagate_graph(out, seed, accumulate=False)
            for k, x in enumerate(inputs):
                g = grads.get(id(x))
                if g is not None:
                    total[k] = g if total[k] is None else total[k] + g
        return [g if g is not None else x._zero_node() for g, x in zip(total, inputs)]
    results: list[Any] = [None] * len(inputs)
    for out, seed in pairs:
        backpropagate(out, out._seed(seed), accumulate=False)
        mark = out._mark
        handed: set[int] = set()
        found = [_own(x._as_grad(x._g if x._mark == mark else 0.0), handed) for x in inputs]
        results = [f if r is None else r + f for r, f in zip(results, found)]
    return [r if r is not None else x._as_grad(0.0) for r, x in zip(results, inputs)]


def zero_grad(nodes: Iterable[Node]) -> None:
    """Reset the gradient of each given node (for example a model's parameters)."""
    for node in nodes:
        node._reset_grad()
