"""Where an MLP step's Python work goes, counted exactly rather than timed.

Timings on a shared VM drift by 20% within minutes; counts do not. This counts the Python
bytecodes one training step executes (``sys.settrace`` with opcode events) for the
hand-written numpy step, bench_lean.py's lean engine and ours, at the smallest size of
bench_tensor.py (64-32-10, batch 32), and for ours lists them by function.

``--loop WHICH N`` only runs N steps of one of them, for a counter from outside, e.g.
machine instructions a step from the difference of two runs of
``valgrind --tool=callgrind python benchmarks/count_step.py --loop ours N``.

Run: .venv/bin/python benchmarks/count_step.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from bench_lean import Lean, lean_step
from bench_tensor import numpy_step, ours_step, problem

from autograd import Tensor


def contenders():
    """(name, step, its parameters), each from the same weights."""
    X, y, weights = problem(64, 32, 10, 32)
    return X, y, [("numpy", numpy_step, [w.copy() for w in weights]),
                  ("lean", lean_step, [Lean(w.copy()) for w in weights]),
                  ("ours", ours_step, [Tensor(w.copy(), requires_grad=True) for w in weights])]


def bytecodes(step, args) -> Counter:
    """Bytecodes executed by one call of ``step(*args)``, by (file, function)."""
    counts: Counter = Counter()

    def trace(frame, event, arg):
        frame.f_trace_opcodes = True
        if event == "opcode":
            code = frame.f_code
            counts[(Path(code.co_filename).name, code.co_name)] += 1
        return trace

    for _ in range(3):  # warm: lru caches filled, first-call work done
        step(*args)
    sys.settrace(trace)
    try:
        step(*args)
    finally:
        sys.settrace(None)
    return counts


def main() -> None:
    X, y, steps = contenders()
    if sys.argv[1:2] == ["--loop"]:
        which, n = sys.argv[2], int(sys.argv[3])
        step, params = next((s, p) for name, s, p in steps if name == which)
        for _ in range(n):
            step(X, y, params)
        return
    print("Python bytecodes in one MLP training step (64-32-10, batch 32)")
    for name, step, params in steps:
        counts = bytecodes(step, (X, y, params))
        print(f"  {name:6} {sum(counts.values()):6,}")
        if name == "ours":
            for (file, function), n in counts.most_common(12):
                print(f"           {n:5,}  {function} ({file})")


if __name__ == "__main__":
    main()
