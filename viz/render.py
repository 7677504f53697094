"""Running Graphviz's ``dot``: always under a time limit, with errors that say what to do.

Every picture viz writes goes through :func:`render_bytes`, so ``dot`` never runs unbounded
and a missing ``dot`` is one clear sentence rather than a traceback from a subprocess.
"""

from __future__ import annotations

import subprocess

import graphviz

DOT_TIMEOUT = 60.0  # seconds; a diagram of 1,000 nodes takes well under one


class GraphvizMissing(RuntimeError):
    """Graphviz's ``dot`` program is not installed (the Python package alone cannot draw)."""


def render_bytes(graph: graphviz.Digraph, fmt: str, timeout: float | None = DOT_TIMEOUT,
                 engine: str = "dot", extra: tuple[str, ...] = ()) -> bytes:
    """The diagram laid out and drawn by ``dot`` as ``fmt`` (svg, png, pdf, json …).

    Raises ``TimeoutError`` when ``dot`` takes longer than ``timeout`` seconds (the process
    is stopped), :class:`GraphvizMissing` when it is not installed, and ``RuntimeError`` with
    dot's own message when it refuses the diagram.
    """
    try:
        done = subprocess.run([engine, f"-T{fmt}", *extra], input=graph.source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise GraphvizMissing(
            f"Graphviz's {engine!r} program is not installed, so diagrams cannot be drawn "
            "(everything else works). Install it: apt-get install graphviz (Debian/Ubuntu), "
            "brew install graphviz (macOS), winget install graphviz (Windows)") from None
    except subprocess.TimeoutExpired:
        nodes = graph.source.count("\n\t") or "?"
        raise TimeoutError(
            f"dot did not finish within {timeout:g} s laying out this diagram (about {nodes} "
            "statements); draw a smaller part of the graph, or give more time with "
            "timeout=") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"dot could not draw the diagram: {message[0] if message else '?'}")
    return done.stdout
