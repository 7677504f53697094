"""Building and rendering diagrams of 100, 1,000 and 10,000 nodes to SVG, with the time in
our code (walking the graph, writing DOT) and in Graphviz's dot shown apart.

Goal: a 1,000-node diagram rendered in under 2 s.

Run: ./dev bench   (or .venv/bin/python benchmarks/bench_viz.py)
"""

from __future__ import annotations

import subprocess
import time
import warnings

from autograd import Value, topological_order
from viz import draw_graph


def network(nodes: int) -> Value:
    """A tree of + and * gates over labelled inputs with about ``nodes`` nodes, backpropagated."""
    level = [Value(0.01 * i, label=f"x{i}") for i in range(int(nodes / 2.5))]  # ~2.5 per leaf
    while len(level) > 1:
        nxt = [a * b if i % 2 else (a + b).tanh() for i, (a, b) in
               enumerate(zip(level[::2], level[1::2]))]
        level = nxt + level[len(nxt) * 2:]
    level[0].backward()
    return level[0]


def main() -> None:
    print("diagram rendering to SVG (circuit style, with gradients):")
    print(f"  {'nodes':>8}{'ours (build DOT)':>18}{'dot (layout, SVG)':>20}{'total':>9}")
    for target in (100, 1_000, 10_000):
        root = network(target)
        n = len(topological_order(root))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the large-graph warning is expected here
            t0 = time.perf_counter()
            graph = draw_graph(root, max_nodes=10**9)
            source = graph.source
            t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        try:
            subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True,
                           check=True, timeout=300)
            t_dot = time.perf_counter() - t0
            dot_text = f"{t_dot:17.3f}s"
        except subprocess.TimeoutExpired:
            t_dot, dot_text = float("inf"), f"{'> 300 s':>18}"
        total = t_ours + t_dot
        goal = f"   goal < 2 s: {'met' if total < 2 else 'NOT met'}" if target == 1_000 else ""
        print(f"  {n:8,}{t_ours:17.3f}s{dot_text}{total:8.2f}s{goal}")


if __name__ == "__main__":
    main()
