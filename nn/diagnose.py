"""``diagnose``: why a network does not learn, said in words, from what training recorded.

Each finding has a ``kind``, its evidence (layer, epoch, numbers) and what to try. The
kinds, and when each is found (thresholds are part of the contract, and tested on runs that
show each one and on healthy runs that must show none):

- ``divergence``: an epoch's loss is more than 1.5 times the lowest loss before it, and above
  it by more than a tenth of the first epoch's loss (the learning rate is too large: the loss
  jumps or oscillates; the second condition keeps a well-trained run's noise near 0 from
  counting); names the first such epoch.
- ``plateau``: over 5 or more epochs the loss changed by less than 1% of its first value and
  is not near 0 (a learning rate too small, no nonlinearity, or dead units).
- ``no_nonlinearity`` (with ``model``): two or more layers with parameters and no
  nonlinear activation between them: the network is one linear map.
- ``vanishing_gradients`` (with ``watch``): at the last recording, a layer's gradient norm
  is below 1% of the last layer's; names the first such layer.
- ``exploding_gradients`` (with ``watch``): a layer's gradient norm grew more than 1,000-fold
  from the first recording, to more than 1,000 (or stopped being finite); names the layer
  and the recording.
- ``dead_relu`` (with ``watch``): half or more of a ReLU layer's units are dead (0 for every
  example of the batch) at the last recording; says since which recording.
- ``saturation`` (with ``watch``): half or more of a sigmoid or tanh layer's outputs sit in
  the flat tails at most recordings, in a run whose loss fell by less than half.
- ``overfitting`` (with validation data): the validation loss ends more than 10% above its
  lowest, reached 3 or more epochs before the end, while the training loss kept falling.
- ``one_class`` (with ``model`` and ``data``, targets that are classes): 95% or more of the
  predictions are one class, while the targets hold two or more classes and none has more
  than 90% of them.
- ``loss_output_mismatch`` (with ``model``): the loss does not fit the last layer's output:
  ``cross_entropy`` (which takes logits) after a softmax, sigmoid, tanh or ReLU; MSE after a
  softmax; ``binary_cross_entropy`` (which takes probabilities) after anything but a sigmoid.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.language import tr

from .health import watched_layers
from .module import Module

KINDS = ("divergence", "plateau", "no_nonlinearity", "vanishing_gradients",
         "exploding_gradients", "dead_relu", "saturation", "overfitting", "one_class",
         "loss_output_mismatch")
_NONLINEAR = {"relu", "sigmoid", "tanh", "leaky_relu", "elu", "softplus", "arctan", "step",
              "sign", "softmax"}


@dataclass
class Finding:
    """One problem: its ``kind`` (one of ``KINDS``), what was seen, the numbers behind it,
    and what to try."""

    kind: str
    message: str
    advice: str
    evidence: dict[str, Any] = field(default_factory=dict)


class Diagnosis:
    """The result of :func:`diagnose`: ``findings`` (empty for a healthy run), as text and,
    in Jupyter, as a table, in the current language."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings

    def __bool__(self) -> bool:  # truthy when something was found
        return bool(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self):
        return iter(self.findings)

    @property
    def kinds(self) -> list[str]:
        return [f.kind for f in self.findings]

    def __str__(self) -> str:
        if not self.findings:
            return tr("diagnose: nothing wrong found")
        lines = [tr("diagnose: one finding" if len(self.findings) == 1 else
                    "diagnose: {n} findings", n=len(self.findings))]
        for f in self.findings:
            lines.append(f"- {f.kind}: {f.message}\n  {tr('try')}: {f.advice}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if not self.findings:
            return f"<p>{html.escape(tr('diagnose: nothing wrong found'))}</p>"
        rows = "".join(f"<tr><td><b>{html.escape(f.kind)}</b></td><td>{html.escape(f.message)}"
                       f"</td><td>{html.escape(f.advice)}</td></tr>" for f in self.findings)
        head = "".join(f"<th>{html.escape(tr(h))}</th>" for h in ("kind", "seen", "try"))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def diagnose(history: Any, model: Module | None = None, data: Any = None) -> Diagnosis:
    """What went wrong in a training run, in words: see this module's docstring for every
    kind of finding and when it is found. ``history`` is what ``fit`` returned (with
    ``watch=`` for the layers' findings, with ``validation_data`` for overfitting);
    ``model`` and ``data=(X, y)`` allow the findings about the network and its predictions.
    """
    curves = getattr(history, "history", None)
    if not isinstance(curves, dict) or "loss" not in curves:
        raise TypeError(f"diagnose: history must be what nn.fit returned, got "
                        f"{type(history).__name__}")
    if model is not None and not isinstance(model, Module):
        raise TypeError(f"diagnose: model must be an nn model, got {type(model).__name__}")
    loss = [float(v) for v in curves["loss"]]
    findings: list[Finding] = []
    findings += _divergence(loss) + _plateau(loss)
    layers = watched_layers(model) if model is not None else []
    if model is not None:
        findings += _no_nonlinearity(layers) + _mismatch(layers, getattr(history, "loss", ""))
    health = getattr(history, "health", {}) or {}
    if health:
        findings += _gradients(health) + _exploding(health) + _dead(health) + \
            _saturation(health, loss)
    if "val_loss" in curves:
        findings += _overfitting(loss, [float(v) for v in curves["val_loss"]])
    if model is not None and data is not None:
        findings += _one_class(model, data)
    return Diagnosis(findings)


def _divergence(loss: list[float]) -> list[Finding]:
    for e in range(1, len(loss)):
        best = min(loss[:e])
        if not math.isfinite(loss[e]) or (loss[e] > 1.5 * best and
                                           loss[e] - best > 0.1 * loss[0]):
            return [Finding("divergence", tr(
                "at epoch {epoch} the loss jumped to {value:.4g}, {ratio:.1f} times its lowest "
                "before ({best:.4g})", epoch=e + 1, value=loss[e], ratio=loss[e] / best,
                best=best), tr("a smaller learning rate (a tenth), or standardized inputs"),
                {"epoch": e + 1, "loss": loss[e], "best_before": best})]
    return []


def _plateau(loss: list[float]) -> list[Finding]:
    if len(loss) < 5 or not loss[0] > 1e-3:
        return []
    change = abs(loss[-1] - loss[0]) / loss[0]
    if change < 0.01:
        return [Finding("plateau", tr(
            "the loss stayed at {value:.4g} for {n} epochs (it changed by {change:.2%})",
            value=loss[-1], n=len(loss), change=change), tr(
            "a larger learning rate; a nonlinear activation between layers; check for dead "
            "units (fit(watch=True))"), {"epochs": len(loss), "change": change})]
    return []


def _no_nonlinearity(layers: list) -> list[Finding]:
    if len(layers) < 2 or any(layer.kind in _NONLINEAR or layer.kind is None
                              for layer in layers[:-1]):
        return []
    names = ", ".join(layer.name for layer in layers)
    return [Finding("no_nonlinearity", tr(
        "the layers {names} have no nonlinear activation between them: together they are one "
        "linear map, whatever their number", names=names), tr(
        "an activation (relu, tanh, sigmoid) on every hidden layer"), {"layers": names})]


def _mismatch(layers: list, loss: str) -> list[Finding]:
    if not layers or not loss:
        return []
    last = layers[-1].kind
    wrong = (loss == "cross_entropy" and last in ("softmax", "sigmoid", "tanh", "relu")) or \
        (loss in ("mse", "half_squared_error") and last == "softmax") or \
        (loss == "binary_cross_entropy" and last not in ("sigmoid", None))
    if not wrong:
        return []
    advice = {"cross_entropy": tr("a linear last layer: cross_entropy applies the softmax "
                                  "itself"),
              "binary_cross_entropy": tr("a sigmoid on the last layer, or "
                                         "binary_cross_entropy_with_logits")}.get(
        loss, tr("cross_entropy on a linear last layer, for classes"))
    return [Finding("loss_output_mismatch", tr(
        "the loss {loss} does not fit the last layer's output ({output})", loss=loss,
        output=last), advice, {"loss": loss, "output": last, "layer": layers[-1].name})]


def _gradients(health: dict) -> list[Finding]:
    names = list(health)
    last = health[names[-1]]["grad_norm"]
    if not last or not last[-1] > 0:
        return []
    top = last[-1]
    for name in names[:-1]:
        g = health[name]["grad_norm"][-1]
        if g < 0.01 * top:
            return [Finding("vanishing_gradients", tr(
                "the gradient reaching {layer} is {ratio:.2g} times the last layer's ({g:.3g} "
                "against {top:.3g}): the layers near the input barely learn", layer=name,
                ratio=g / top, g=g, top=top), tr(
                "ReLU instead of sigmoid or tanh in the hidden layers, smaller initial weights, "
                "or fewer layers"), {"layer": name, "grad_norm": g, "last_layer": top})]
    return []


def _exploding(health: dict) -> list[Finding]:
    for name, stats in health.items():
        norms = stats["grad_norm"]
        if not norms or not norms[0] > 0:
            continue
        for k, g in enumerate(norms):
            if not math.isfinite(g) or (g > 1000 * norms[0] and g > 1000):
                return [Finding("exploding_gradients", tr(
                    "the gradient of {layer} grew {ratio:.3g}-fold by recording {k} ({first:.3g}"
                    " → {g:.3g})", layer=name, ratio=g / norms[0], k=k + 1, first=norms[0],
                    g=g), tr("a smaller learning rate, smaller initial weights, or clipping "
                             "the gradient"), {"layer": name, "recording": k + 1,
                                               "grad_norm": g})]
    return []


def _dead(health: dict) -> list[Finding]:
    found = []
    for name, stats in health.items():
        dead = [d for d in stats["dead"] if not math.isnan(d)]
        if dead and dead[-1] >= 0.5:
            since = next(k for k, d in enumerate(stats["dead"]) if d >= 0.5)
            found.append(Finding("dead_relu", tr(
                "{share:.0%} of the ReLU units of {layer} are dead (0 for every example), "
                "since recording {since}", share=dead[-1], layer=name, since=since + 1), tr(
                "a smaller learning rate, leaky_relu, or He initialisation"),
                {"layer": name, "dead": dead[-1], "since": since + 1}))
    return found


def _saturation(health: dict, loss: list[float]) -> list[Finding]:
    if len(loss) >= 2 and loss[-1] < 0.5 * loss[0]:
        return []  # it learned: saturated units then are confident ones
    found = []
    for name, stats in health.items():
        values = [s for s in stats["saturated"] if not math.isnan(s)]
        if values and np.mean(np.array(values) >= 0.5) >= 0.5:
            found.append(Finding("saturation", tr(
                "{share:.0%} of the outputs of {layer} sit in the flat tails of its "
                "activation, where its derivative is below 10% of its largest", share=values[-1],
                layer=name), tr("smaller initial weights, standardized inputs, or ReLU"),
                {"layer": name, "saturated": values[-1]}))
    return found


def _overfitting(loss: list[float], val: list[float]) -> list[Finding]:
    if len(val) < 4:
        return []
    best = int(np.argmin(val))
    if len(val) - 1 - best >= 3 and val[-1] > 1.1 * val[best] and loss[-1] < loss[best]:
        return [Finding("overfitting", tr(
            "the validation loss is lowest at epoch {epoch} ({best:.4g}) and rises after it "
            "(to {last:.4g}) while the training loss keeps falling", epoch=best + 1,
            best=val[best], last=val[-1]), tr(
            "stop at that epoch (EarlyStopping(restore_best=True)), more data, L2 (l2=), or a "
            "smaller network"), {"epoch": best + 1, "val_loss": val[best]})]
    return []


def _one_class(model: Module, data: Any) -> list[Finding]:
    from .training import predict

    X, y = data
    y = np.asarray(y)
    if not np.all(np.equal(np.mod(y, 1), 0)):  # targets that are not classes: a regression
        return []
    out = np.asarray(predict(model, X))
    if out.ndim == 2 and out.shape[1] > 1:
        predicted = out.argmax(axis=1)
        truth = y.argmax(axis=1) if y.ndim == 2 else y.reshape(-1)
    else:
        threshold = 0.0 if (y.reshape(-1) < 0).any() else 0.5
        predicted = (out.reshape(-1) > threshold).astype(int)
        truth = (y.reshape(-1) > threshold).astype(int)
    classes, counts = np.unique(truth, return_counts=True)
    if len(classes) < 2 or (counts / counts.sum()).max() > 0.9:
        return []
    values, shares = np.unique(predicted, return_counts=True)
    top = int(shares.argmax())
    share = shares[top] / shares.sum()
    if share < 0.95:
        return []
    return [Finding("one_class", tr(
        "{share:.0%} of the predictions are class {cls}, while the targets hold {n} classes",
        share=share, cls=int(values[top]), n=len(classes)), tr(
        "check the loss and the output layer, balance the classes, or train longer"),
        {"class": int(values[top]), "share": float(share)})]
