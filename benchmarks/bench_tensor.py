"""Tensor engine: one MLP training step against hand-written numpy and PyTorch, in one run.

The step: forward (x @ W1 + b1, ReLU, @ W2 + b2), softmax cross-entropy (``nn.losses``,
one fused node), backward, SGD update, in float32, at the labs' CIFAR-10 size and two
smaller ones. Hand-written numpy is the floor (the same BLAS calls with no graph).
PyTorch runs with as many threads as numpy's BLAS. numpy and ours are timed in
interleaved rounds; PyTorch is timed after them, because its OpenMP threads keep
spinning after each step and would slow down whatever runs next. All three start from
the same weights and must give the same loss.

Run: ./dev bench   (or .venv/bin/python benchmarks/bench_tensor.py)
"""

from __future__ import annotations

import os
import time

import numpy as np
import torch

from autograd import Tensor
from nn.losses import cross_entropy

SIZES = [(3072, 100, 10, 128), (784, 128, 10, 128), (64, 32, 10, 32)]
LR = 0.01


def problem(nin, nhidden, nout, batch, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, nin)).astype(np.float32)
    y = rng.integers(0, nout, batch)
    W1 = (rng.standard_normal((nin, nhidden)) * np.sqrt(2 / nin)).astype(np.float32)
    W2 = (rng.standard_normal((nhidden, nout)) * np.sqrt(2 / nhidden)).astype(np.float32)
    return X, y, [W1, np.zeros(nhidden, np.float32), W2, np.zeros(nout, np.float32)]


def numpy_step(X, y, params):
    W1, b1, W2, b2 = params
    n = len(X)
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    z2 = h @ W2 + b2
    z2 = z2 - z2.max(axis=1, keepdims=True)
    log_p = z2 - np.log(np.exp(z2).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    dz2 = np.exp(log_p)
    dz2[np.arange(n), y] -= 1
    dz2 /= n
    dW2, db2 = h.T @ dz2, dz2.sum(axis=0)
    dz1 = (dz2 @ W2.T) * (z1 > 0)
    dW1, db1 = X.T @ dz1, dz1.sum(axis=0)
    for p, g in zip(params, (dW1, db1, dW2, db2)):
        p -= LR * g
    return float(loss)


def ours_step(X, y, params):
    W1, b1, W2, b2 = params
    x = Tensor(X)
    logits = (x @ W1 + b1).relu() @ W2 + b2
    return ours_sgd(cross_entropy(logits, y), params, LR)


def torch_step(X, y, params):
    W1, b1, W2, b2 = params
    logits = torch.relu(X @ W1 + b1) @ W2 + b2
    return torch_sgd(torch.nn.functional.cross_entropy(logits, y), params, LR)


def ours_sgd(loss, params, lr):
    """Backward from ``loss`` and one SGD step on ``params`` (ours): the loss's value."""
    for p in params:
        p.grad = None
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.item()


def torch_sgd(loss, params, lr):
    """The same for PyTorch tensors."""
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    return loss.item()


def batch_size_for(step, args, seconds=0.05):
    """How many steps make a timed batch of about ``seconds``."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            step(*args)
        if time.perf_counter() - t0 > seconds:
            return n
        n *= 2


def seconds_per_step(contenders, rounds=15):
    """Median seconds per step of each (step, args), timed in interleaved rounds so that
    background load falls on all of them alike."""
    sizes = [batch_size_for(step, args) for step, args in contenders]
    times = [[] for _ in contenders]
    for _ in range(rounds):
        for (step, args), n, out in zip(contenders, sizes, times):
            t0 = time.perf_counter()
            for _ in range(n):
                step(*args)
            out.append((time.perf_counter() - t0) / n)
    return [float(np.median(t)) for t in times]


def main() -> None:
    threads = torch.get_num_threads()
    torch.set_num_threads(min(threads, os.cpu_count() or 1))
    print(f"MLP training step, float32 (numpy BLAS default threads; "
          f"torch.set_num_threads({torch.get_num_threads()}))")
    print(f"  {'network, batch':22}{'numpy':>10}{'ours':>10}{'torch':>10}"
          f"{'ours/numpy':>12}{'ours/torch':>12}   goals (<= 1.10, <= 1.00)")
    for nin, nhidden, nout, batch in SIZES:
        X, y, weights = problem(nin, nhidden, nout, batch)
        np_params = [w.copy() for w in weights]
        our_params = [Tensor(w.copy(), requires_grad=True) for w in weights]
        torch_params = [torch.tensor(w, requires_grad=True) for w in weights]
        tX, ty = torch.from_numpy(X), torch.from_numpy(y)
        first = [numpy_step(X, y, np_params), ours_step(X, y, our_params)]
        t_np, t_ours = seconds_per_step([(numpy_step, (X, y, np_params)),
                                         (ours_step, (X, y, our_params))])
        first.append(torch_step(tX, ty, torch_params))
        assert max(first) - min(first) < 1e-4, f"the three first losses disagree: {first}"
        (t_torch,) = seconds_per_step([(torch_step, (tX, ty, torch_params))])
        time.sleep(0.5)  # let torch's threads go idle before the next size
        r_np, r_torch = t_ours / t_np, t_ours / t_torch
        verdict = ("met" if r_np <= 1.10 else "NOT met") + ", " + \
            ("met" if r_torch <= 1.0 else "NOT met")
        print(f"  {f'{nin}-{nhidden}-{nout}, {batch}':22}{t_np * 1e3:8.3f}ms{t_ours * 1e3:8.3f}ms"
              f"{t_torch * 1e3:8.3f}ms{r_np:11.2f}x{r_torch:11.2f}x   {verdict}")


if __name__ == "__main__":
    main()
