"""How close a graph engine can get to hand-written numpy in CPython: the floor for our design.

A deliberately lean engine, written only for this comparison: every op is still a node with
a vector-Jacobian product per operand, and backward still finds and orders the nodes, but
there are no checks (shapes, labels, dtypes, nan), no labels, scopes or op table, no
`no_grad`, no leaf ownership of gradients. The same MLP step as bench_tensor.py, timed in
interleaved rounds against numpy and our engine. The gap between the lean engine and ours is
what our checks and drawing cost; the gap between numpy and the lean engine is the price of a
graph of Python objects at all. A second table times each piece of the smallest step (each
op, the loss, the backward pass) inside the step, lean and ours alternating.

Run: .venv/bin/python benchmarks/bench_lean.py
"""

from __future__ import annotations

import time
from itertools import count

import numpy as np
from bench_tensor import LR, SIZES, numpy_step, ours_step, problem, seconds_per_step

from autograd import Tensor
from nn.losses import cross_entropy

_number = count().__next__


class Lean:
    __slots__ = ("data", "g", "id", "parents", "vjps", "wants")

    def __init__(self, data, parents=(), vjps=(), wants=True):  # wants: needs a gradient
        self.data, self.parents, self.vjps, self.id, self.g = data, parents, vjps, _number(), None
        self.wants = wants

    def __matmul__(self, other):
        a, b = self.data, other.data
        return Lean(np.dot(a, b), (self, other), (lambda g: np.dot(g, b.T),
                                                  lambda g: np.dot(a.T, g)))

    def __add__(self, bias):
        return Lean(self.data + bias.data, (self, bias),
                    (lambda g: g, lambda g: np.add.reduce(g, 0)))

    def relu(self):
        out = np.maximum(self.data, 0)

        def vjp(g):
            local = np.sign(out)
            local *= g
            return local
        return Lean(out, (self,), (vjp,))


def lean_cross_entropy(logits, y):
    z = logits.data
    n, k = z.shape
    shifted = z - np.maximum.reduce(z, axis=1, keepdims=True)
    e = np.exp(shifted)
    total = np.add.reduce(e, axis=1, keepdims=True)
    picked = np.arange(0, n * k, k) + y
    loss = np.add.reduce(np.log(total).reshape(-1) - shifted.take(picked)) / n
    total *= n
    np.divide(e, total, out=e)
    e.reshape(-1)[picked] -= 1 / n
    return Lean(np.asarray(loss), (logits,), (lambda g: g * e,))


def lean_backward(root):
    order, seen = [root], {id(root)}
    for node in order:
        for parent in node.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                parent.g = None
                if parent.parents:
                    order.append(parent)
    order.sort(key=lambda node: -node.id)
    root.g = np.ones((), root.data.dtype)
    for node in order:
        for parent, vjp in zip(node.parents, node.vjps):
            if parent.wants:
                r = vjp(node.g)
                parent.g = r if parent.g is None else parent.g + r


def lean_step(X, y, params):
    W1, b1, W2, b2 = params
    loss = lean_cross_entropy((Lean(X, wants=False) @ W1 + b1).relu() @ W2 + b2, y)
    lean_backward(loss)
    for p in params:
        p.data -= LR * p.g
    return float(loss.data)


def main() -> None:
    print("MLP training step, float32: a lean graph engine (no checks) against numpy and ours")
    print(f"  {'network, batch':22}{'numpy':>10}{'lean':>10}{'ours':>10}{'lean/numpy':>12}"
          f"{'ours/numpy':>12}")
    for nin, nhidden, nout, batch in SIZES:
        X, y, weights = problem(nin, nhidden, nout, batch)
        np_params = [w.copy() for w in weights]
        lean_params = [Lean(w.copy()) for w in weights]
        our_params = [Tensor(w.copy(), requires_grad=True) for w in weights]
        first = [numpy_step(X, y, np_params), lean_step(X, y, lean_params),
                 ours_step(X, y, our_params)]
        assert max(first) - min(first) < 1e-4, f"the first losses disagree: {first}"
        t_np, t_lean, t_ours = seconds_per_step([(numpy_step, (X, y, np_params)),
                                                 (lean_step, (X, y, lean_params)),
                                                 (ours_step, (X, y, our_params))], rounds=21)
        print(f"  {f'{nin}-{nhidden}-{nout}, {batch}':22}{t_np * 1e3:8.3f}ms"
              f"{t_lean * 1e3:8.3f}ms{t_ours * 1e3:8.3f}ms{t_lean / t_np:11.2f}x"
              f"{t_ours / t_np:11.2f}x")


def piece_times(steps: int = 20000) -> dict[str, list[float]]:
    """Microseconds each piece of a step takes *inside* a step (lean and ours alternating,
    at the smallest size): a step runs each function once, so a piece timed in a loop of
    its own would look about three times cheaper than it is here."""
    X, y, weights = problem(*SIZES[-1])
    lean_params = [Lean(w.copy()) for w in weights]
    our_params = [Tensor(w.copy(), requires_grad=True) for w in weights]
    clock = time.perf_counter_ns
    totals = {"lean": [0] * len(PIECES), "ours": [0] * len(PIECES)}

    def step(kind, params, add):
        W1, b1, W2, b2 = params
        ours = kind == "ours"
        t = [clock()]
        x = Tensor(X) if ours else Lean(X, wants=False)
        t.append(clock())
        a = x @ W1
        t.append(clock())
        z = a + b1
        t.append(clock())
        h = z.relu()
        t.append(clock())
        o = h @ W2
        t.append(clock())
        logits = o + b2
        t.append(clock())
        loss = cross_entropy(logits, y) if ours else lean_cross_entropy(logits, y)
        t.append(clock())
        if ours:
            for p in params:
                p.grad = None
            loss.backward()
        else:
            lean_backward(loss)
        t.append(clock())
        for p in params:
            p.data -= LR * (p.grad if ours else p.g)
        if add:
            for i in range(len(PIECES)):
                totals[kind][i] += t[i + 1] - t[i]

    for n, add in ((2000, False), (steps, True)):
        for _ in range(n):
            step("ours", our_params, add)
            step("lean", lean_params, add)
    return {kind: [ns / steps / 1e3 for ns in row] for kind, row in totals.items()}


PIECES = ["leaf", "@ W1", "+ b1", "relu", "@ W2", "+ b2", "loss", "backward"]


if __name__ == "__main__":
    main()
    times = piece_times()
    print("\nInside a step at the smallest size, in µs (each piece as the step runs it)")
    print("  " + "".join(f"{name:>10}" for name in ["", *PIECES]))
    for kind, row in times.items():
        print("  " + f"{kind:>10}" + "".join(f"{t:10.1f}" for t in row))
