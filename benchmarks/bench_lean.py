"""How close a graph engine can get to hand-written numpy in CPython: the floor for our design.

A deliberately lean engine, written only for this comparison: every op is still a node with
a vector-Jacobian product per operand, and backward still finds and orders the nodes, but
there are no checks (shapes, labels, dtypes, nan), no labels, scopes or op table, no
`no_grad`, no leaf ownership of gradients. The same MLP step as bench_tensor.py, timed in
interleaved rounds against numpy and our engine. The gap between the lean engine and ours is
what our checks and drawing cost; the gap between numpy and the lean engine is the price of a
graph of Python objects at all.

Run: .venv/bin/python benchmarks/bench_lean.py
"""

from __future__ import annotations

from itertools import count

import numpy as np
from bench_tensor import LR, SIZES, numpy_step, ours_step, problem, seconds_per_step

from autograd import Tensor

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


if __name__ == "__main__":
    main()
