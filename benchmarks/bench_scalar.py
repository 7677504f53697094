"""Scalar engine against micrograd 0.1.0, side by side in one run.

1. micrograd's own demo step: 100 two-moons points, a 2-16-16-1 ReLU MLP of scalar nodes,
   SVM max-margin loss + 1e-4 L2, forward + zero-grad + backward + SGD update.
   Both engines start from the same weights; their losses must agree to 1e-9.
2. Backward throughput (nodes per second) on a long chain and on a wide tree,
   and memory per node.

Run: ./dev bench   (or .venv/bin/python benchmarks/bench_scalar.py)
"""

from __future__ import annotations

import gc
import itertools
import random
import sys
import time
import tracemalloc

from micrograd import engine as mg

import nn
from autograd import Value


def two_moons(n: int = 100):
    """micrograd's demo data: two moons with labels -1 and 1 (for the SVM loss)."""
    X, y = nn.data.two_moons(n, noise=0.1, seed=0)
    return X.tolist(), (2 * y - 1).tolist()


def make_mlp(value_type, weights):
    """A 2-16-16-1 MLP as nested lists [layer][neuron] = (w list, b), micrograd's layout."""
    return [[([value_type(w) for w in ws], value_type(b)) for ws, b in layer] for layer in weights]


def random_weights(sizes=(2, 16, 16, 1), seed=1337):
    rng = random.Random(seed)
    return [[([rng.uniform(-1, 1) for _ in range(nin)], 0.0) for _ in range(nout)]
            for nin, nout in itertools.pairwise(sizes)]


def forward(mlp, x, neuron_sum=None):
    """micrograd's MLP.__call__; ``neuron_sum`` replaces its chain of "+" by one n-ary node."""
    for i, layer in enumerate(mlp):
        last = i == len(mlp) - 1
        out = []
        for ws, b in layer:
            if neuron_sum is None:
                act = sum((wi * xi for wi, xi in zip(ws, x)), b)  # micrograd's Neuron.__call__
            else:
                act = neuron_sum([*(wi * xi for wi, xi in zip(ws, x)), b])
            out.append(act if last else act.relu())
        x = out
    return x[0]


def parameters(mlp):
    return [p for layer in mlp for ws, b in layer for p in [*ws, b]]


def step(value_type, mlp, X, y, k, neuron_sum=None):
    """One step of micrograd's demo.ipynb, written once for either engine."""
    inputs = [[value_type(v) for v in row] for row in X]
    scores = [forward(mlp, x, neuron_sum) for x in inputs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in parameters(mlp))
    total = data_loss + reg_loss
    for p in parameters(mlp):
        p.grad = 0.0
    total.backward()
    lr = 1.0 - 0.9 * k / 100
    for p in parameters(mlp):
        p.data -= lr * p.grad
    return total.data


def time_steps(weights, X, y, steps):
    """Best time per step of each engine, the three timed in turn within each round (this
    VM's speed drifts by 20% within minutes: timed apart, a ratio measures the drift)."""
    runs = {"micrograd": (mg.Value, None), "same graph": (Value, None),
            "Value.sum": (Value, Value.sum)}
    models = {name: make_mlp(kind, weights) for name, (kind, _) in runs.items()}
    best = dict.fromkeys(runs, float("inf"))
    losses = {name: [] for name in runs}
    for k in range(steps):
        for name, (kind, neuron_sum) in runs.items():
            gc.collect()
            t0 = time.perf_counter()
            losses[name].append(step(kind, models[name], X, y, k, neuron_sum))
            best[name] = min(best[name], time.perf_counter() - t0)
    return best, losses


def phases(kind, weights, X, y, neuron_sum=None, rounds=5):
    """Where one step's time goes: building the graph (forward and loss), backward, freeing
    the graph, and the cyclic garbage collector's share of all of it (best of ``rounds``)."""
    mlp = make_mlp(kind, weights)
    best = {}
    collected = [0.0]
    started = [0.0]

    def watch(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            collected[0] += time.perf_counter() - started[0]

    for _ in range(rounds):
        gc.collect()
        collected[0] = 0.0
        gc.callbacks.append(watch)
        t = [time.perf_counter()]
        inputs = [[kind(v) for v in row] for row in X]
        scores = [forward(mlp, x, neuron_sum) for x in inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in parameters(mlp))
        t.append(time.perf_counter())
        for p in parameters(mlp):
            p.grad = 0.0
        total.backward()
        t.append(time.perf_counter())
        del total, losses, scores, inputs
        t.append(time.perf_counter())
        gc.callbacks.remove(watch)
        spent = {"graph": t[1] - t[0], "backward": t[2] - t[1], "free": t[3] - t[2],
                 "of which GC": collected[0]}
        best = {key: min(best.get(key, 1e9), value) for key, value in spent.items()}
    return best


def chain(value_type, n):
    x = value_type(0.5)
    y = x
    for _ in range(n):
        y = y * 0.9999999
    return x, y


def tree(value_type, leaves):
    level = [value_type(1e-3 * i) for i in range(leaves)]
    while len(level) > 1:
        level = [a * b if i % 4 else a + b for i, (a, b) in enumerate(zip(level[::2], level[1::2]))]
    return level[0]


def time_backward(root):
    gc.collect()
    t0 = time.perf_counter()
    root.backward()
    return time.perf_counter() - t0


def bytes_per_node(value_type, n=100_000):
    gc.collect()
    tracemalloc.start()
    kept = chain(value_type, n)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return size / (2 * n)  # each step makes a constant leaf and a product node


def main(steps: int = 7) -> None:
    X, y = two_moons()
    weights = random_weights()
    best, losses = time_steps(weights, X, y, steps)
    theirs = best["micrograd"]
    print(f"micrograd demo step (100 moons, 2-16-16-1, SVM + L2), best of {steps} rounds, "
          "the engines in turn:")
    print(f"  {'':44}{'s/step':>8}{'speed-up':>10}{'losses agree to':>17}")
    print(f"  {'micrograd 0.1.0':44}{theirs:8.4f}")
    for key, name, goal in [("same graph", "ours, same graph (chained +, as micrograd)", 10),
                            ("Value.sum", "ours, one n-ary + per neuron (Value.sum)", 12)]:
        ours = best[key]
        same = max(abs(a - b) for a, b in zip(losses[key], losses["micrograd"]))
        met = theirs / ours >= goal and same <= 1e-9
        print(f"  {name:44}{ours:8.4f}{theirs / ours:9.1f}x{same:17.1e}"
              f"   goal >= {goal}x and 1e-9: {'met' if met else 'NOT met'}")
    print("where a step's time goes (ms, best of 5; GC: the cyclic garbage collector's part "
          "of the rest):")
    print(f"  {'':44}{'graph':>8}{'backward':>10}{'free':>7}{'of which GC':>13}")
    for name, kind, neuron_sum in [("micrograd 0.1.0", mg.Value, None),
                                   ("ours, same graph", Value, None),
                                   ("ours, Value.sum", Value, Value.sum)]:
        spent = phases(kind, weights, X, y, neuron_sum)
        print(f"  {name:44}" + "".join(f"{1e3 * spent[key]:{w}.1f}" for key, w in
                                       [("graph", 8), ("backward", 10), ("free", 7),
                                        ("of which GC", 13)]))

    print("backward throughput (nodes per second):")
    sys.setrecursionlimit(10_000)
    n = 1_000_000
    _, root = chain(Value, n)
    ours_chain = 2 * n / time_backward(root)
    del root
    leaves = 2**19
    ours_tree = (2 * leaves) / time_backward(tree(Value, leaves))
    their_tree = (2 * leaves) / time_backward(tree(mg.Value, leaves))
    _, root = chain(mg.Value, 4000)
    try:
        their_chain = f"{2 * 4000 / time_backward(root):,.0f} (4,000-long: deeper recurses too far)"
    except RecursionError:
        their_chain = "RecursionError"
    print(f"  chain of {2 * n:,} nodes:  ours {ours_chain:,.0f}   micrograd {their_chain}")
    print(f"  tree of {2 * leaves:,} nodes:  ours {ours_tree:,.0f}   micrograd {their_tree:,.0f}"
          f"   ({ours_tree / their_tree:.1f}x)")
    worst = min(ours_chain, ours_tree)
    print(f"  goal >= 1,000,000 nodes/s: {'met' if worst >= 1e6 else 'NOT met'} ({worst:,.0f})")
    print(f"memory per node: ours {bytes_per_node(Value):.0f} B   "
          f"micrograd {bytes_per_node(mg.Value):.0f} B")


if __name__ == "__main__":
    main()
