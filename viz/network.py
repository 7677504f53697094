"""The network picture of seeds 001, 002 and 004: neurons as circles in columns, one wire
per weight with its value (and, after ``backward()``, its gradient in red), each neuron's
bias and activation written in it."""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from autograd.language import tr
from autograd.ops import subscript, superscript, symbol
from nn import MLP, Concatenate, Identity, Layer, Neuron
from nn.activations import activation_of

from .diagram import RED, Diagram, fmt
from .picture import Picture, to_dot
from .theme import get_theme

MAX_DRAWN = 10  # neurons per column drawn one by one; a wider column is summarized


class _Column:
    """One column of the picture: its drawn units, and for each its incoming weights."""

    def __init__(self, title: str, units: list[dict]) -> None:
        self.title, self.units = title, units


def draw_network(model: Any, precision: int = 3, theme: Any = None,
                 rankdir: str = "LR") -> Diagram:
    """The classic figure of a dense network: inputs on the left, a column of neurons per
    layer, a wire per weight labelled with its value and gradient, each neuron showing its
    activation and bias.

    For ``nn.MLP``, ``nn.Layer``, ``nn.Neuron`` (Values) and ``nn.Sequential`` of
    ``Dense``/``Linear``, activation modules and ``Concatenate`` (whose branches' outputs
    are joined: seed 004's skip connection). A column wider than 10 neurons is drawn as one
    box with its weight matrix's shape.
    """
    t = get_theme(theme)
    columns = _columns(model, small=t.node_font * 0.8)
    titles = {f"col{c}": column.title for c, column in enumerate(columns)}
    pic = Picture(graph_attrs={"rankdir": rankdir, "fontname": "Helvetica", "ranksep": "1.6",
                               "nodesep": "0.35", "ordering": "in"},
                  node_attrs={"fontname": "Helvetica", "fontsize": f"{t.node_font:g}",
                              "penwidth": f"{t.pen:g}"},
                  edge_attrs={"fontname": "Helvetica", "fontsize": f"{t.wire_font * 0.85:g}",
                              "arrowsize": f"{t.arrow * 0.8:g}",
                              "penwidth": f"{t.pen * 0.8:g}"},
                  cluster_attrs=lambda path: {"label": titles[path], "color": "white",
                                              "fontcolor": "#555555"},
                  cluster_order=list(titles))
    for c, column in enumerate(columns):
        for unit in column.units:
            pic.box(unit["id"], unit["label"], f"col{c}", shape=unit.get("shape", "circle"),
                    width="0.6", fixedsize="false")
    for column in columns:
        for unit in column.units:
            for source, weight, grad, name in unit.get("inputs", []):
                rows = [f"{html.escape(name)} = {html.escape(fmt(weight, precision))}"] \
                    if weight is not None else []
                if grad is not None:
                    rows.append(f'<font color="{RED}">∂ {html.escape(fmt(grad, precision))}'
                                "</font>")
                label = f"<{'<br/>'.join(rows)}>" if rows else ""
                # decorate: a line from each label to its own wire, so that no number can be
                # read as another wire's where wires cross
                pic.wire(source, unit["id"], label, labelfloat="false", decorate="true")
    g = to_dot(pic, Diagram())
    g.theme, g.picture = t, pic
    return g


def _columns(model: Any, small: float = 11.0) -> list[_Column]:
    """The model as columns of units: inputs first, then one column per dense layer."""
    layers = dense_layers(model)
    if not layers:
        raise TypeError(f"draw_network: {type(model).__name__} has no dense layers to draw; "
                        "it draws nn.MLP, nn.Layer, nn.Neuron and nn.Sequential of Dense/Linear")
    first = layers[0]
    inputs = [{"id": f"x{k}", "label": f"x{subscript(k + 1)}", "shape": "circle"}
              for k in range(first["nin"])]
    if first["nin"] > MAX_DRAWN:
        inputs = [{"id": "x_all", "label": tr("{n} inputs", n=first['nin']), "shape": "box"}]
    columns = [_Column(tr("input"), inputs)]
    previous = [u["id"] for u in inputs]  # what the next layer reads, in order
    for number, layer in enumerate(layers, 1):
        sources = previous
        if layer["skip"]:  # Concatenate(..., Identity()): the layer's input goes on too
            sources = previous + layer["skip_sources"](columns)
        units = _units(layer, number, sources, small)
        title = tr("layer {n}", n=number) + (f" ({symbol(layer['act'])})" if layer["act"] else "")
        columns.append(_Column(title, units))
        previous = [u["id"] for u in units]
    return columns


def _units(layer: dict, number: int, sources: list[str], small: float) -> list[dict]:
    """A layer's neurons, each with its bias (and gradient) in type of size ``small``, and its
    input wires, each with its weight's name, value and gradient."""
    W, b, gW, gb = layer["W"], layer["b"], layer["gW"], layer["gb"]
    nin, nout = W.shape
    act = symbol(layer["act"]) if layer["act"] else "linear"
    if nout > MAX_DRAWN or len(sources) > MAX_DRAWN + 2 or len(sources) != nin:
        return [{"id": f"L{number}", "shape": "box",
                 "label": f"{nout} neurons, {act}\nW{superscript(number)} {nin}×{nout}, "
                          f"b{superscript(number)} {nout}",
                 "inputs": [(s, None, None, "") for s in sources]}]
    units = []
    for j in range(nout):
        bias = f"b = {fmt(b[j], 3)}"
        if gb is not None:
            bias += f'<br/><font color="{RED}">∂ {fmt(gb[j], 3)}</font>'
        units.append({"id": f"L{number}_{j}", "shape": "circle",
                      "label": f"<{html.escape(act)}<br/><font point-size=\"{small:g}\">"
                               f"{bias}</font>>",
                      "inputs": [(sources[k], W[k, j], None if gW is None else gW[k, j],
                                  f"w{superscript(number)}{subscript(j + 1)}{subscript(k + 1)}")
                                 for k in range(nin)]})
    return units


def dense_layers(model: Any) -> list[dict]:
    """Each dense layer as W (nin × nout), b, their gradients and the activation's name."""
    from_values = _value_layers(model)
    if from_values is not None:
        return from_values
    if not (hasattr(model, "named_parameters") and hasattr(model, "forward")):
        raise TypeError(f"draw_network: {type(model).__name__} has no dense layers to draw; "
                        "it draws nn.MLP, nn.Layer, nn.Neuron and nn.Sequential of Dense/Linear")
    layers: list[dict] = []
    for module in _sequence(model):
        if "W" in vars(module) and hasattr(module, "b") and module.W.ndim == 2:
            layers.append(_tensor_layer(module, getattr(module, "activation", None)))
        elif isinstance(module, Concatenate):
            dense = [br for br in module.branches if "W" in vars(br)]
            passes = any(isinstance(br, Identity) for br in module.branches)
            if len(dense) != 1:
                raise TypeError("draw_network: a Concatenate is drawn when it joins one dense "
                                "layer and the input (seed 004's skip connection)")
            layer = _tensor_layer(dense[0], getattr(dense[0], "activation", None))
            layer["then_skip"] = passes
            layers.append(layer)
        elif activation_of(module) is not None:  # it names the activation of the layer before
            if layers and not layers[-1]["act"] and activation_of(module) != "linear":
                layers[-1]["act"] = activation_of(module)
        else:
            raise TypeError(f"draw_network: cannot draw a {type(module).__name__} layer; it "
                            "draws Dense/Linear, activations and Concatenate (viz.draw_graph "
                            "draws any network, convolutions included)")
    for k in range(1, len(layers)):  # the layer after a skip reads hidden + input
        if layers[k - 1].get("then_skip"):
            layers[k]["skip"] = True
            layers[k]["skip_sources"] = lambda columns, k=k: [u["id"] for u in
                                                              columns[k - 1].units]
    return layers


def _tensor_layer(module: Any, act: Any) -> dict:
    W, b = module.W, module.b
    return {"W": np.asarray(W.data), "b": np.asarray(b.data), "nin": W.shape[0],
            "gW": None if W.grad is None else np.asarray(W.grad),
            "gb": None if b.grad is None else np.asarray(b.grad),
            "act": act if isinstance(act, str) and act != "linear" else
            (getattr(act, "__name__", "") if act not in (None, "linear") else ""),
            "skip": False}


def _value_layers(model: Any) -> list[dict] | None:
    """nn.MLP, nn.Layer or nn.Neuron (Values): their weights as matrices."""
    if isinstance(model, Neuron):
        layers = [[model]]
    elif isinstance(model, Layer):
        layers = [model.neurons]
    elif isinstance(model, MLP):
        layers = [layer.neurons for layer in model.layers]
    else:
        return None
    out = []
    for neurons in layers:
        W = np.array([[w.data for w in n.w] for n in neurons]).T
        gW = np.array([[w.grad for w in n.w] for n in neurons]).T
        b = np.array([n.b.data for n in neurons])
        gb = np.array([n.b.grad for n in neurons])
        has_grad = bool(np.any(gW) or np.any(gb))
        act = neurons[0].activation
        out.append({"W": W, "b": b, "nin": W.shape[0], "gW": gW if has_grad else None,
                    "gb": gb if has_grad else None, "skip": False,
                    "act": act if isinstance(act, str) and act != "linear" else ""})
    return out


def _sequence(model: Any) -> list[Any]:
    if hasattr(model, "layers"):
        return list(model.layers)
    return [model]
