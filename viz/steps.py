"""The backward pass step by step: one picture per node whose gradient has just been filled,
all drawn on one layout, so that nothing moves from one frame to the next.

How: the diagram is written once, with every gradient in it and a marker where each
gradient's colour and each node's fill go. A frame only chooses the markers' colours: red
for gradients already computed, white (invisible, yet taking the same room) for the others,
yellow for the node just completed. Every frame therefore has the same geometry, and
``dot`` lays each of them out the same. The GIF goes further and lays out once: three
renders (nothing shown, everything shown, every node highlighted) and, per frame, patches
of them pasted where that frame differs, so a frame costs milliseconds, not a ``dot`` run.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd import Node, backward_pass, edge_grad, local_derivative
from autograd.language import tr
from autograd.ops import symbol

from .diagram import HIGHLIGHT, RED, Drawing, fmt, save
from .render import render_bytes
from .theme import get_theme

STEPS_WARN = 200  # frames; above this a step-by-step picture is slow to make and to watch
MAX_GIF_MB = 50  # save_gif refuses to write more
_MARK = re.compile(r"@([CF])(\d+)@")


class _Steps:
    """The frames of one backward pass: a template with markers, and the order of nodes.

    One frame per computed node, in the engine's order: the node is complete and passes its
    gradient back along its input wires. Inputs get no frame of their own (nothing happens
    at a leaf); the total beside an input used twice appears with its last wire.
    """

    def __init__(self, root: Node, style: str, rankdir: str, precision: int, who: str,
                 theme: Any = None) -> None:
        self.theme = get_theme(theme)
        if not isinstance(root, Node):
            raise TypeError(f"{who} needs a Value or Tensor, got {type(root).__name__}")
        passed = backward_pass(root)  # each node with its gradient, in the engine's order
        self.order = [node for node, _ in passed if node.parents] or [root]
        grads = {id(n): g for n, g in passed}
        self.frame = {id(n): k for k, n in enumerate(self.order)}
        shows = dict(self.frame)  # the frame in which a node's gradients appear
        for child in self.order:
            for parent in child.parents:
                if not parent.parents:  # an input: with its last consumer
                    shows[id(parent)] = max(shows.get(id(parent), 0), self.frame[id(child)])
        if len(self.order) + 1 > STEPS_WARN:
            warnings.warn(f"{who}: {len(self.order) + 1} frames, one per operation; above "
                          f"{STEPS_WARN} a step-by-step picture is slow to make and to watch. "
                          "Draw a smaller graph, or one layer's part of it.", stacklevel=3)
        drawing = Drawing(root, style, rankdir, True, precision, None, False, 10**9,
                          grad_of=lambda n: grads[id(n)],
                          grad_color=lambda n: f"@C{shows.get(id(n), 0)}@",
                          fill=lambda n: f"@F{self.frame[id(n)]}@" if id(n) in self.frame
                          else "white", who=who, theme=self.theme)
        self.template = drawing.graph().source
        self.ids = drawing.ids
        self.shows = shows
        self.names = {id(n): drawing.name(n) or (drawing.gate_name(n) if n.parents else "")
                      for n, _ in passed}
        self.grads = grads
        self.precision = precision

    def __len__(self) -> int:
        return len(self.order) + 1  # the forward picture, then one per operation

    def source(self, step: int) -> str:
        """Frame ``step``'s DOT: 0 shows values only; k > 0 the gradients of the first k
        operations, the k-th highlighted."""
        def colour(match: re.Match) -> str:
            k = int(match.group(2))
            if match.group(1) == "C":
                return RED if k < step else "white"
            return HIGHLIGHT if k == step - 1 else "white"
        return _MARK.sub(colour, self.template)

    def caption(self, step: int) -> str:
        """What happened at this step, as the chain rule: ``σ: ∂out/∂z = 1 × 0.2225 = 0.2225``
        (the gradient arriving × the local derivative = the gradient passed back)."""
        if step == 0:
            return tr("forward pass: every value computed; no gradient yet")
        node = self.order[step - 1]
        where = tr("step {k} of {n}", k=step, n=len(self) - 1)
        g = self.grads[id(node)]
        if not node.parents:
            return f"{where}: ∂out/∂{self._name(node)} = {self._fmt(g)}"
        gate = self._name(node)
        if not isinstance(node.data, float):  # a Tensor: its local derivative is a Jacobian
            return f"{where}: " + tr("{gate} passes ∂out/∂{gate} back to {inputs}", gate=gate,
                                     inputs=", ".join(self._name(p) for p in node.parents))
        parts = [f"∂out/∂{self._name(p)} = {self._fmt(g)} × {self._fmt(local_derivative(node, i))}"
                 f" = {self._fmt(edge_grad(node, i, g))}"
                 for i, p in enumerate(node.parents) if p.requires_grad]
        return f"{where}, {gate}: " + ";  ".join(parts or [tr("no input needs a gradient")])

    def _name(self, node: Node) -> str:
        return self.names.get(id(node)) or symbol(node.op)

    def _fmt(self, x: Any) -> str:
        return fmt(x, self.precision)


def backward_steps(root: Node, style: str = "circuit", rankdir: str = "LR",
                   precision: int = 4, theme: Any = None) -> Iterator[graphviz.Source]:
    """Diagrams of reverse mode as it runs: first the forward values alone, then one per step,
    in the order the engine processes nodes. At each step the node whose gradient was just
    completed is highlighted, and the wires it feeds back into show their gradients.

    Every frame has the same layout (gradients still to come take their room, invisibly).
    The gradients are computed here for the picture; ``.grad`` is left as it was. Warns
    above 200 frames.
    """
    steps = _Steps(root, style, rankdir, precision, "backward_steps", theme)
    return (graphviz.Source(steps.source(k)) for k in range(len(steps)))


def save_steps(root: Node, folder: str | Path, fmt: str = "png", **options: Any) -> list[Path]:
    """Write every step of :func:`backward_steps` as ``step_000.png``, ``step_001.png`` …

    PNG frames come from one layout (as :func:`save_gif`'s); svg and pdf frames are each
    drawn by ``dot``. ``fmt="html"`` writes one file instead, ``steps.html``: the explorer
    page (:func:`viz.explore`), whose buttons, slider and arrow keys step through the same
    forward and backward pass on one drawing, so it stays small for any graph.
    """
    folder = Path(folder)
    if fmt not in ("png", "svg", "pdf", "html"):
        raise ValueError(f"save_steps: fmt must be 'png', 'svg', 'pdf' or 'html', got {fmt!r}")
    if fmt == "html":
        from .explore import explore

        if not isinstance(root, Node):
            raise TypeError(f"save_steps needs a Value or Tensor, got {type(root).__name__}")
        page = explore(root, precision=options.get("precision", 4), theme=options.get("theme"))
        folder.mkdir(parents=True, exist_ok=True)
        return [page.save(folder / "steps.html")]
    steps = _Steps(root, options.get("style", "circuit"), options.get("rankdir", "LR"),
                   options.get("precision", 4), "save_steps", options.get("theme"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"step_{k:03d}.{fmt}" for k in range(len(steps))]
    if fmt == "png":
        for path, frame in zip(paths, _Frames(steps, options.get("dpi") or steps.theme.dpi)):
            frame.save(path)
    else:
        for k, path in enumerate(paths):
            save(graphviz.Source(steps.source(k)), path)
    return paths


def save_gif(root: Node, path: str | Path, seconds_per_step: float = 1.0,
             dpi: int | None = None, max_mb: float | None = MAX_GIF_MB,
             **options: Any) -> Path:
    """Write the backward pass as one animated GIF, one frame per step, each captioned.

    One layout serves every frame, so nodes never move; a frame costs a few image pastes,
    and stores only the pixels that changed. ``dpi`` defaults to the theme's (``theme=``
    among ``options``, or the current one). A GIF that would grow past ``max_mb``
    megabytes (50; None for no limit) is refused with its expected size, and nothing is
    left on disk: for large graphs ``save_steps(root, folder, fmt="html")`` writes a page
    that steps through the same pass and stays small.
    """
    if isinstance(seconds_per_step, bool) or not isinstance(seconds_per_step, int | float) \
            or not np.isfinite(seconds_per_step) or seconds_per_step <= 0:
        raise ValueError(f"save_gif: seconds_per_step must be a finite number > 0, got "
                         f"{seconds_per_step!r}")
    if max_mb is not None and (isinstance(max_mb, bool) or not isinstance(max_mb, int | float)
                               or not max_mb > 0):
        raise ValueError(f"save_gif: max_mb must be a number > 0 or None, got {max_mb!r}")
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"save_gif: the folder {path.parent} does not exist")
    steps = _Steps(root, options.get("style", "circuit"), options.get("rankdir", "LR"),
                   options.get("precision", 4), "save_gif", options.get("theme"))
    dpi = dpi or steps.theme.dpi
    from PIL import GifImagePlugin

    ms = int(seconds_per_step * 1000)
    frames = _Frames(steps, dpi)
    partial = path.with_name(path.name + ".partial")
    try:  # streamed: each frame is only the rectangle that changed, written as it is made
        with open(partial, "wb") as f:
            deltas = frames.deltas()
            first, _ = next(deltas)
            header, _ = GifImagePlugin.getheader(first, info={"loop": 0, "duration": ms})
            f.write(b"".join(header))
            f.write(b"".join(GifImagePlugin.getdata(first, (0, 0), duration=ms)))
            for done, (patch, offset) in enumerate(deltas, 2):  # over the frame before
                f.write(b"".join(GifImagePlugin.getdata(patch, offset, duration=ms,
                                                        transparency=TRANSPARENT, disposal=1)))
                if max_mb is not None and f.tell() > max_mb * 1e6:
                    expected = f.tell() / done * len(steps) / 1e6
                    raise ValueError(
                        f"save_gif: this GIF of {len(steps)} frames would be about "
                        f"{expected:,.0f} MB, more than max_mb={max_mb:g}; nothing was "
                        "written. Use save_steps(root, folder, fmt=\"html\") (a page that "
                        "steps through the pass, small at any size), a lower dpi, or "
                        "max_mb=None to write it anyway.")
            f.write(b";")  # the GIF trailer
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


class _Frames:
    """The frames as images, composed from three renders of one layout."""

    def __init__(self, steps: _Steps, dpi: int) -> None:
        from PIL import Image  # Pillow comes with matplotlib

        self.steps = steps
        self.Image = Image
        dpi_flag = (f"-Gdpi={dpi}",)
        last = len(steps)
        everything = steps.source(last)  # every gradient shown, nothing highlighted
        nothing = steps.source(0)
        lit = _MARK.sub(lambda m: RED if m.group(1) == "C" else HIGHLIGHT, steps.template)
        layout = json.loads(render_bytes(graphviz.Source(everything), "json", extra=dpi_flag))
        images = [Image.open(io.BytesIO(render_bytes(graphviz.Source(src), "png",
                                                     extra=dpi_flag))).convert("RGB")
                  for src in (nothing, everything, lit)]
        from .plots import caption_font  # matplotlib's DejaVu Sans, at a readable size

        self.font = caption_font(max(10, int(steps.theme.caption_font * dpi / 72)))
        self.strip = int(self.font.size * 2)  # room for the caption under the picture
        self.scale = dpi / 72.0
        self.height_pt = float(layout["bb"].split(",")[3])
        self.pad = (images[0].width / self.scale - float(layout["bb"].split(",")[2])) / 2
        self.bare, self.full, self.lit = _same_palette(images, Image, self.strip)
        self.white = _palette_index(self.bare, (255, 255, 255))
        self.black = _palette_index(self.bare, (0, 0, 0))
        self.reveal, self.node_box = self._boxes(layout)

    def _pixels(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, ...]:
        """A box in dot's points (origin bottom left) as a pixel box of the renders."""
        s, p, h = self.scale, self.pad, self.height_pt
        return (max(int((x0 + p) * s) - 1, 0), max(int((h - y1 + p) * s) - 1, 0),
                int((x1 + p) * s) + 2, int((h - y0 + p) * s) + 2)

    def _boxes(self, layout: dict) -> tuple[dict[int, list], dict[int, tuple]]:
        """For each step, the boxes of the red text its node reveals; each node's box."""
        name_to_step = {}  # the frame in which a drawn object's red text appears
        highlight = {}  # the frame in which a drawn node is highlighted
        for node_id, name in self.steps.ids.items():
            if node_id in self.steps.shows:
                name_to_step[name] = self.steps.shows[node_id]
            if node_id in self.steps.frame:
                highlight[name] = self.steps.frame[node_id]
        objects = layout.get("objects", [])
        reveal: dict[int, list] = {}
        node_box: dict[int, tuple] = {}
        for obj in objects:
            name = obj.get("name", "")
            base = name.removesuffix("_out").removesuffix("_op")
            if name in highlight and "pos" in obj:
                x, y = map(float, obj["pos"].split(","))
                w, h = float(obj["width"]) * 36, float(obj["height"]) * 36
                node_box[highlight[name]] = self._pixels(x - w, y - h, x + w, y + h)
            step = name_to_step.get(base)
            if step is not None:
                reveal.setdefault(step, []).extend(self._red_text(obj.get("_ldraw_", [])))
        for edge in layout.get("edges", []):
            head = objects[edge["head"]].get("name", "")
            tail = objects[edge["tail"]].get("name", "")
            owner = tail if head.endswith("_out") else head.removesuffix("_op")
            step = name_to_step.get(owner)
            if step is not None:
                reveal.setdefault(step, []).extend(self._red_text(edge.get("_ldraw_", [])))
        return reveal, node_box

    def _red_text(self, ops: list[dict]) -> list[tuple[int, ...]]:
        boxes, color, size = [], None, 14.0
        for op in ops:
            kind = op.get("op")
            if kind in ("c", "C"):
                color = op.get("color", "").lower()
            elif kind == "F":
                size = float(op.get("size", size))
            elif kind == "T" and color == RED:
                x, y = op["pt"]
                w = float(op["width"])
                left = {"l": x, "r": x - w}.get(op.get("align", "c"), x - w / 2)
                boxes.append(self._pixels(left, y - 0.3 * size, left + w, y + size))
        return boxes

    def __iter__(self) -> Iterator[Any]:
        """Every frame, whole."""
        canvas = self.bare.copy()
        for k in range(len(self.steps)):
            self._reveal(canvas, k)
            frame = canvas.copy()
            self._light(frame, k, (0, 0))
            yield self._captioned(frame, self.steps.caption(k))

    def deltas(self) -> Iterator[tuple[Any, tuple[int, int]]]:
        """The first frame whole, then each frame as the rectangle that differs from the one
        before (the gradients that appear, the highlight that moves, the caption), its
        unchanged pixels transparent (``TRANSPARENT``): long runs of one index, which the
        GIF's compression reduces to almost nothing."""
        canvas = self.bare.copy()
        shown = None  # the frame on screen so far
        lit_before = None
        for k in range(len(self.steps)):
            changed = self._reveal(canvas, k)
            lit_now = self.node_box.get(k - 1) if k > 0 else None
            if k == 0:
                frame = canvas.copy()
                self._light(frame, k, (0, 0))
                shown = self._captioned(frame, self.steps.caption(k))
                yield shown, (0, 0)
                continue
            boxes = [*changed, *(b for b in (lit_before, lit_now) if b is not None),
                     (0, canvas.height - self.strip, canvas.width, canvas.height)]
            region = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                      min(max(b[2] for b in boxes), canvas.width),
                      min(max(b[3] for b in boxes), canvas.height))
            patch = canvas.crop(region)
            self._light(patch, k, region[:2])
            self._caption_strip(patch, self.steps.caption(k))
            lit_before = lit_now
            new, old = np.asarray(patch), np.asarray(shown.crop(region))
            shown.paste(patch, region[:2])
            delta = self.Image.fromarray(np.where(new == old, TRANSPARENT, new).astype(np.uint8),
                                         "P")
            delta.putpalette(_PALETTE)
            yield delta, region[:2]

    def _reveal(self, canvas: Any, k: int) -> list[tuple[int, ...]]:
        """Paste the gradients step k shows (they stay for every later frame)."""
        boxes = self.reveal.get(k - 1, []) if k > 0 else []
        for box in boxes:
            canvas.paste(self.full.crop(box), box[:2])
        return boxes

    def _light(self, image: Any, k: int, origin: tuple[int, int]) -> None:
        """Highlight the node step k completed, in an image whose top left is ``origin``."""
        box = self.node_box.get(k - 1) if k > 0 else None
        if box is not None:
            image.paste(self.lit.crop(box), (box[0] - origin[0], box[1] - origin[1]))

    def _caption_strip(self, patch: Any, text: str) -> None:
        self._captioned(patch, text)

    def _captioned(self, frame: Any, text: str) -> Any:
        from PIL import ImageDraw

        top = frame.height - self.strip
        draw = ImageDraw.Draw(frame)
        draw.rectangle((0, top, frame.width, frame.height), fill=self.white)
        draw.text((int(self.font.size * 0.6), top + self.strip // 4), text, fill=self.black,
                  font=self.font)
        return frame


def _same_palette(images: list[Any], Image: Any, strip: int) -> list[Any]:
    """The images in one fixed palette, each with a white strip below for a caption, so that
    patches of one can be pasted into another and a GIF needs no quantizing per frame.

    The palette holds the diagrams' colours (black, the gradients' red, the highlight,
    greys) and every blend of two of them that anti-aliased edges make, so the red stays red.
    """
    palette = Image.new("P", (1, 1))
    palette.putpalette(_PALETTE)
    out = []
    for im in images:
        padded = Image.new("RGB", (im.width, im.height + strip), "white")
        padded.paste(im, (0, 0))
        out.append(padded.quantize(palette=palette, dither=Image.Dither.NONE))
    return out


def _blends() -> list[int]:
    def rgb(hex_colour: str) -> np.ndarray:
        return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)

    white, black = rgb("#ffffff"), rgb("#000000")
    red, yellow, grey = rgb(RED), rgb(HIGHLIGHT), rgb("#888888")
    pairs = [(white, black, 64), (white, red, 64), (white, yellow, 32), (yellow, black, 32),
             (yellow, red, 16), (black, red, 16), (white, grey, 16), (grey, black, 12)]
    colours = [a + (b - a) * t for a, b, n in pairs for t in np.linspace(0, 1, n)]
    flat = np.clip(np.round(colours), 0, 255).astype(int)[:TRANSPARENT].ravel().tolist()
    flat += [255] * (3 * TRANSPARENT - len(flat))
    return [*flat, 255, 0, 255]  # the transparent index: magenta, which no diagram holds


TRANSPARENT = 255  # the palette index of a delta frame's unchanged pixels
_PALETTE = _blends()


def _palette_index(image: Any, rgb: tuple[int, int, int]) -> int:
    palette = np.array(image.getpalette()[:768]).reshape(-1, 3)
    return int(np.argmin(((palette - rgb) ** 2).sum(axis=1)))
