"""Issue #28, item 1: one backward loop. ``autograd.graph.backpropagate`` is the chain rule
in one short loop, the only code that applies the recorded derivatives in a backward pass
(anomaly checks are a hook it calls, not a copy of it); every way of asking for gradients
runs it; and its numbers are exactly those of the per-wire rule the pictures draw
(``tests/wires.py``; the op-table tests hold every op to it, on Value and on Tensor)."""

from __future__ import annotations

import ast
import inspect
import math
from pathlib import Path

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor, Value, graph
from tests.wires import wire_by_wire

AUTOGRAD = Path(autograd.__file__).parent


def test_the_backward_loop_is_short():
    source = inspect.getsource(graph.backpropagate)
    body = ast.parse(source).body[0].body[1:]  # without the docstring
    lines = {n.lineno for stmt in body for n in ast.walk(stmt) if hasattr(n, "lineno")}
    assert len(lines) <= 25, f"backpropagate has {len(lines)} lines of code"


def test_only_the_loop_and_the_wire_rule_apply_recorded_derivatives():
    """Reading a node's recorded derivatives (``_local``) is what applying the chain rule
    takes: only the backward loop and the per-wire rules do it (the op table reads the
    facts its own ops recorded, to differentiate them again)."""
    allowed = {("graph.py", "record"), ("graph.py", "backpropagate"),
               ("graph.py", "edge_grad"), ("graph.py", "local_derivative"),
               ("graph_vjps.py", "_scalar"), ("graph_vjps.py", "_how"),
               ("graph_vjps.py", "_elu_vjp"), ("graph_vjps.py", "_piecewise_vjp")}
    found = set()
    for path in AUTOGRAD.glob("*.py"):
        tree = ast.parse(path.read_text())
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef):
                for n in ast.walk(fn):
                    if isinstance(n, ast.Attribute) and n.attr == "_local":
                        found.add((path.name, fn.name))
    assert found <= allowed, found - allowed


def _count_passes(monkeypatch):
    calls = []
    real = graph._reachable

    def counted(root):
        calls.append(root)
        return real(root)

    monkeypatch.setattr(graph, "_reachable", counted)
    return calls


def test_every_way_of_asking_for_gradients_runs_the_one_loop(monkeypatch):
    calls = _count_passes(monkeypatch)
    x = Value(2.0)
    y = x * x + x
    y.backward()
    assert (len(calls), x.grad) == (1, 5.0)
    t = Tensor([1.0, 2.0], requires_grad=True)
    (t * t).sum().backward()
    assert len(calls) == 2
    np.testing.assert_array_equal(t.grad, [2.0, 4.0])
    assert autograd.grad(y, [x]) == [5.0] and len(calls) == 3
    steps = autograd.backward_pass(y)
    assert len(calls) == 4 and dict((id(n), g) for n, g in steps)[id(x)] == 5.0
    with autograd.detect_anomaly():
        x.grad = 0.0
        y.backward()
    assert (len(calls), x.grad) == (5, 5.0)


def test_the_anomaly_checks_are_a_hook_the_loop_calls_not_a_second_pass(monkeypatch):
    from autograd import anomaly

    seen = []
    real = anomaly.CHECKS.reached
    monkeypatch.setattr(anomaly._Checks, "reached", staticmethod(
        lambda node, g: (seen.append((node.op, g)), real(node, g))))
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    y = a * b
    z = y + a
    with autograd.detect_anomaly():
        z.backward()
    assert seen == [("+", 1.0), ("*", 1.0)]  # each node once, newest first, with its gradient
    assert (a.grad, b.grad) == (4.0, 2.0)
    seen.clear()
    z.backward()  # outside the block: no hook
    assert seen == []


def test_an_overflowing_sum_of_finite_gradients_is_named():
    x = Value(1e308, label="x")
    y = x * 1.0
    z = y * 1.5 + y * 1.5
    w = z * 1e308  # d w / d z = 1e308; along each of y's two wires 1.5e308, finite; at y
    with autograd.detect_anomaly(), pytest.raises(  # their sum, 3e308, is inf
            FloatingPointError, match=r"detect_anomaly: the gradients arriving at 1e\+308 "
                                      r"\(made by \*\) add up to inf"):
        w.backward()
    assert math.isfinite(1.5e308) and math.isinf(1.5e308 + 1.5e308)


def test_a_leaf_owns_its_grad_when_a_vjp_passes_an_array_on_unchanged():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    y = a + b  # + passes its gradient to both inputs unchanged
    y.backward(np.array([1.0, 1.0]))
    assert a.grad is not b.grad and a.grad.base is None and b.grad.base is None
    a.grad += 1  # changing one leaf's gradient changes no other array
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    r = a.reshape(2, 1)  # a view of the gradient, passed back: copied
    r.backward(np.ones((2, 1)))
    np.testing.assert_array_equal(a.grad, [3.0, 3.0])


def test_a_network_step_matches_the_wire_rule_exactly():
    """A whole model: the loop's gradients are the wire-by-wire sums, to the last bit."""
    model = nn.MLP(3, [4, 4, 1], activation="tanh", seed=0)
    xs = [[Value(v) for v in row] for row in [[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]]]
    loss = Value.sum((model(x) - 1.0) ** 2 for x in xs)
    loss.backward()
    by_wire = wire_by_wire(loss, 1.0)
    for p in model.parameters():
        assert p.grad == by_wire[id(p)]
