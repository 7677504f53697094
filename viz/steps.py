"""The backward pass step by step: one diagram per node whose gradient has just been filled."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphviz

from autograd import Node, backward_pass

from .diagram import _Drawing, save


def backward_steps(root: Node, style: str = "circuit", rankdir: str = "LR",
                   precision: int = 4) -> Iterator[graphviz.Digraph]:
    """Diagrams of reverse mode as it runs: first the forward values alone, then one per step,
    in the order the engine processes nodes. At each step the node whose gradient was just
    completed is highlighted, and the wires it feeds back into show their gradients.

    The gradients are computed here for the picture; ``.grad`` is left as it was.
    """
    passed = backward_pass(root)  # each node with its gradient, in the engine's order
    order = [node for node, _ in passed]
    grads = {id(n): g for n, g in passed}
    done: set[int] = set()

    def frame(highlight: frozenset) -> graphviz.Digraph:
        return _Drawing(root, style, rankdir, True, precision, None, False, 10**9,
                        grad_of=lambda n: grads[id(n)],
                        highlight=highlight,
                        revealed=lambda n: id(n) in done).graph()

    yield _Drawing(root, style, rankdir, False, precision, None, False, 10**9).graph()
    for node in order:
        done.add(id(node))
        yield frame(frozenset({id(node)}))


def save_steps(root: Node, folder: str | Path, fmt: str = "png", **options: Any) -> list[Path]:
    """Write every step of :func:`backward_steps` as ``step_000.png``, ``step_001.png`` …"""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [save(g, folder / f"step_{i:03d}.{fmt}")
            for i, g in enumerate(backward_steps(root, **options))]


def save_gif(root: Node, path: str | Path, seconds_per_step: float = 1.0,
             **options: Any) -> Path:
    """Write the backward pass as one animated GIF, one frame per step."""
    from PIL import Image  # Pillow comes with matplotlib

    frames = [Image.open(io.BytesIO(g.pipe(format="png"))).convert("RGB")
              for g in backward_steps(root, **options)]
    width = max(f.width for f in frames)
    height = max(f.height for f in frames)
    padded = []
    for f in frames:  # dot may size frames differently: pad them onto one white canvas
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(f, (0, 0))
        padded.append(canvas)
    path = Path(path)
    padded[0].save(path, save_all=True, append_images=padded[1:],
                   duration=int(seconds_per_step * 1000), loop=0)
    return path
