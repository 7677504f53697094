"""``training_replay``: a finished training, replayed in one self-contained HTML file.

The page shows, at the same epoch: the network's picture (each weight's sign as the colour of
its wire, its size as the width), the decision boundary with the data (for two input
features) and the loss curve with a marker; play, pause, step and a slider go to any epoch.
It is drawn from ``fit(..., snapshots=k)``'s snapshots, never by training again; like the
explorer it fetches nothing and opens from disk or inline in Jupyter.
"""

from __future__ import annotations

import copy
import functools
import html
import itertools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from autograd.language import get_language, tr

from .check import RIGHT_COLOUR, WRONG_COLOUR
from .network import dense_layers
from .plots import predict_grid

GRID = 30  # the boundary's grid, each side (quantized to 64 levels: one character a point)
_LEVELS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_COUNTER = itertools.count(1)
PAGE_WORDS = ("epoch", "loss", "accuracy", "play", "pause", "one epoch back", "one epoch on")


class Replay:
    """A replay page: shows inline in Jupyter, ``save(path)`` writes one HTML file."""

    def __init__(self, fragment: str, data: dict[str, Any]) -> None:
        self.fragment, self.data = fragment, data

    def _repr_html_(self) -> str:
        return self.fragment

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        if not path.parent.is_dir():
            raise FileNotFoundError(f"Replay.save: the folder {path.parent} does not exist")
        path.write_text(f'<!DOCTYPE html>\n<html lang="{self.data["lang"]}"><head><meta '
                        'charset="utf-8"><title>backprop-lens replay</title></head><body>'
                        f"{self.fragment}</body></html>\n", encoding="utf-8")
        return path


def training_replay(model: Any, history: Any, X: Any, y: Any) -> Replay:
    """A :class:`Replay` of ``model``'s training from ``history`` (what ``fit(...,
    snapshots=k)`` returned) on the data (X, y): see the module's docstring. The model itself
    is left as it is (a copy is loaded with each snapshot)."""
    snapshots = getattr(history, "snapshots", None)
    if not snapshots:
        raise ValueError("training_replay: the history has no snapshots; train with "
                         "nn.fit(..., snapshots=1) (or snapshots=k, every k epochs)")
    X = np.asarray(X, dtype=np.float64)
    classes = _classes(np.asarray(y), len(X))
    copy_ = copy.deepcopy(model)
    epochs = sorted(snapshots)
    curves = history.history
    frames = []
    boundary = X.ndim == 2 and X.shape[1] == 2
    if boundary:
        (x0, y0), (x1, y1) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
        gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y1, y0, GRID))
        grid = np.column_stack([gx.ravel(), gy.ravel()])
    for epoch in epochs:
        copy_.load_state_dict(snapshots[epoch])
        layers = dense_layers(copy_)
        frame: dict[str, Any] = {
            "epoch": epoch,
            "W": [np.round(layer["W"], 4).tolist() for layer in layers],
            "loss": None if epoch == 0 else curves["loss"][epoch - 1],
            "accuracy": None if epoch == 0 or "accuracy" not in curves
            else curves["accuracy"][epoch - 1]}
        if boundary:
            frame["field"] = _quantized(predict_grid(copy_, grid))
        frames.append(frame)
    data = {"frames": frames, "lang": get_language(), "loss": [float(v) for v in curves["loss"]],
            "sizes": [frames[0]["W"][0].__len__()] + [len(w[0]) for w in frames[0]["W"]],
            "grid": GRID if boundary else 0,
            "colours": {"positive": RIGHT_COLOUR, "negative": WRONG_COLOUR},
            "words": {w: tr(w) for w in PAGE_WORDS}}
    if boundary:
        data["points"] = [[float((a - x0) / (x1 - x0)), float((y1 - b) / (y1 - y0)), int(c)]
                          for (a, b), c in zip(X, classes)]
        data["classes"] = int(np.asarray(dense_layers(copy_)[-1]["W"]).shape[1])
    uid = f"bplr{next(_COUNTER)}"
    fragment = _page("replay.html").format(
        uid=uid, lang=data["lang"], css=_page("replay.css").replace("#UID", "#" + uid),
        js=_page("replay.js"), data=json.dumps(data).replace("</", "<\\/"),
        play=html.escape(tr("play")), back=html.escape(tr("one epoch back")),
        on=html.escape(tr("one epoch on")))
    return Replay(fragment, data)


def _classes(y: np.ndarray, n: int) -> np.ndarray:
    """Each example's class: the largest of a one-hot row, the side of 0.5 (or of 0 for ±1
    targets) for two classes, else the class index itself."""
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    flat = y.reshape(n)
    if len(np.unique(flat)) <= 2:
        return (flat > (0.0 if (flat < 0).any() else 0.5)).astype(int)
    return flat.astype(int)


def _quantized(out: np.ndarray) -> str:
    """The grid's outputs as one character each: the probability (or, for several classes,
    the largest output's class) in 64 levels."""
    if out.shape[1] > 1:
        levels = np.argmax(out, axis=1)
    else:
        values = out[:, 0]
        if values.min() < 0:  # ±1 targets: tanh outputs
            values = (values + 1) / 2
        levels = np.clip(np.round(values * 63), 0, 63).astype(int)
    return "".join(_LEVELS[int(v)] for v in levels)


@functools.cache
def _page(name: str) -> str:
    return resources.files("viz").joinpath("pages", name).read_text(encoding="utf-8")
