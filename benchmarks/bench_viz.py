"""Building and rendering diagrams of 100, 1,000 and 10,000 nodes to SVG, with the time in
our code (walking the graph, writing DOT) and in Graphviz's dot shown apart.

Then the backward pass step by step for 50-, 200- and 800-node graphs: ``backward_steps``
(the DOT of every frame) and ``save_gif`` (one layout, every frame composed from it).

Then the explorer (``viz.explore``): the time to build the page, its size, and, in headless
Chromium (when installed), the time from opening the file to a page with its handlers
attached, for 100, 1,000 and 5,000 nodes.

Goals: a 1,000-node diagram rendered in under 2 s; a 200-node graph's GIF in under 10 s and
at most 3 MB; the
1,000-node explorer interactive in under 1 s, in a file under 2 MB.

Run: ./dev bench   (or .venv/bin/python benchmarks/bench_viz.py)
"""

from __future__ import annotations

import subprocess
import tempfile
import time
import warnings
from pathlib import Path

from autograd import Value, topological_order
from viz import backward_steps, draw_graph, save_gif


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
            graph = draw_graph(root, max_nodes=10**9, max_long_wires=None)
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
    root = network(10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "drawn in part" is the point here
        t0 = time.perf_counter()
        graph = draw_graph(root)  # the default: the part nearest the output, under 1,000
        drawn = graph.source.count("\n\tn") - graph.source.count(" -> ")
        subprocess.run(["dot", "-Tsvg"], input=graph.source.encode(), capture_output=True,
                       check=True, timeout=300)
        total = time.perf_counter() - t0
    print(f"  10,000 by default (drawn in part, {drawn} nodes): {total:.2f}s   goal < 10 s: "
          f"{'met' if total < 10 else 'NOT met'}")
    print("backward pass step by step (a frame per operation):")
    print(f"  {'nodes':>8}{'backward_steps':>16}{'save_gif':>11}{'GIF size':>11}")
    for target in (50, 200, 800):
        root = network(target)
        root.zero_grad()
        n = len(topological_order(root))
        with warnings.catch_warnings(), tempfile.TemporaryDirectory() as folder:
            warnings.simplefilter("ignore")  # the many-frames warning is expected at 800
            t0 = time.perf_counter()
            sources = [frame.source for frame in backward_steps(root)]
            t_steps = time.perf_counter() - t0
            t0 = time.perf_counter()
            gif = save_gif(root, Path(folder) / "steps.gif", max_mb=None)
            t_gif = time.perf_counter() - t0
            size = gif.stat().st_size
        met = t_gif < 10 and size <= 3e6
        goal = f"   goal < 10 s and <= 3 MB: {'met' if met else 'NOT met'}" if target == 200 \
            else ""
        print(f"  {n:8,}{t_steps:15.3f}s{t_gif:10.2f}s{size / 1e6:9.2f} MB   "
              f"({len(sources)} frames){goal}")


def explorer() -> None:
    import shutil

    from viz import explore

    print("explorer (one HTML file): build, size, and time to interactive in Chromium")
    driver = None
    if shutil.which("chromium") and shutil.which("chromedriver"):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        options = Options()
        options.binary_location = shutil.which("chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--no-first-run"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        for target in (100, 1_000, 5_000):
            root = network(target)
            n = len(topological_order(root))
            with warnings.catch_warnings(), tempfile.TemporaryDirectory() as folder:
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                page = explore(root, max_nodes=None).save(Path(folder) / "graph.html")
                t_build = time.perf_counter() - t0
                size = page.stat().st_size
                ready = interactive_after(driver, page, ".bpl")
            goal = (f"   goals < 1 s, < 2 MB: {'met' if ready < 1 else 'NOT met'}, "
                    f"{'met' if size < 2e6 else 'NOT met'}") if target == 1_000 else ""
            print(f"  {n:8,} nodes: build {t_build:6.2f}s   file {size / 1e6:6.2f} MB   "
                  f"interactive after {ready:5.2f}s{goal}")
        replay(driver)
    finally:
        if driver is not None:
            driver.quit()


def interactive_after(driver, page: Path, root: str) -> float:
    """Seconds from opening ``page`` to its script's handlers attached (nan without a
    browser): the page stamps ``dataset.ready`` on its root element when it is done."""
    if driver is None:
        return float("nan")
    driver.get(page.as_uri())
    return float(driver.execute_script(
        f"return document.querySelector('{root}').dataset.ready")) / 1000


def replay(driver) -> None:
    """viz.training_replay of a 2-8-8-1 network over 300 epochs, every epoch kept (#24):
    build time, file size and time to interactive (goals: <= 2 MB, < 1 s)."""
    import nn
    from viz import training_replay

    X, y = nn.data.two_moons(200, noise=0.15, seed=0)
    model = nn.Sequential(nn.Dense(8, "tanh", input_dim=2, seed=0), nn.Dense(8, "tanh", seed=1),
                          nn.Dense(1, "sigmoid", seed=2))
    history = nn.fit(model, X, y, loss=nn.losses.binary_cross_entropy, epochs=300,
                     optimizer=nn.optim.Adam(model.parameters(), lr=0.02), snapshots=1,
                     verbose=False)
    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        page = training_replay(model, history, X, y).save(Path(folder) / "replay.html")
        t_build = time.perf_counter() - t0
        size = page.stat().st_size
        ready = interactive_after(driver, page, ".bplr")
    met = size <= 2e6 and ready < 1
    print(f"training replay, 2-8-8-1 over 300 epochs (301 snapshots): build {t_build:.2f}s   "
          f"file {size / 1e6:.2f} MB   interactive after {ready:.2f}s   goals <= 2 MB, < 1 s: "
          f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
    explorer()
