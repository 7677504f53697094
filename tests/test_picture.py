"""Issue #28, item 3: what a picture shows is data (viz.picture: boxes, wires, clusters),
which every picture builds and one writer turns into DOT."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np

import nn
import viz
from autograd import Value
from viz.diagram import Diagram
from viz.picture import Box, Picture, Wire, to_dot

VIZ = Path(viz.__file__).parent


def _lab_graph():
    x1, w1 = Value(-2.0, label="x1"), Value(3.0, label="w1")
    x2, w2, b = Value(0.0, label="x2"), Value(1.0, label="w2"), Value(6.88, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    return o, x1


def _pictures():
    o, _ = _lab_graph()
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    return {"circuit": viz.draw_graph(o), "record": viz.draw_graph(o, style="record"),
            "model": viz.draw_graph(loss, model=model),
            "collapsed": viz.draw_graph(loss, model=model, collapse=True),
            "shaded": viz.draw_graph(o, color_by="grad"), "network": viz.draw_network(model),
            "worksheet": viz.worksheet(o, seed=0).graph}


def test_every_picture_carries_the_data_it_was_written_from():
    for name, diagram in _pictures().items():
        assert isinstance(diagram.picture, Picture), name
        again = to_dot(diagram.picture, Diagram())
        assert again.source == diagram.source, name


def test_a_diagrams_data_says_what_it_shows():
    o, x1 = _lab_graph()
    pic = viz.draw_graph(o).picture
    gates = sorted(box.label for box in pic.boxes if box.attrs.get("shape") in ("circle", "box"))
    assert gates == sorted(["×₁", "×₂", "+₁", "+₂", "tanh"])
    leaves = {re.sub(r"<|>", "", box.label): box.id for box in pic.boxes
              if box.attrs.get("shape") == "plaintext" and box.label.startswith("<")}
    into_gates = [w for w in pic.wires if w.tail == leaves["x1"]]
    assert len(into_gates) == 1
    label = into_gates[0].label
    assert "-2" in label and f'<font color="#c0392b">{x1.grad:.4g}</font>' in label
    # one wire per input of each drawn op, and one out of the output
    assert len(pic.wires) == 2 + 2 + 2 + 2 + 1 + 1


def test_a_picture_of_ones_own_is_written_the_same_way():
    pic = Picture(graph_attrs={"rankdir": "LR"}, cluster_attrs=lambda path: {"label": path})
    pic.box("a", "x", cluster="inputs", shape="plaintext")
    pic.box("g", "+", shape="circle")
    pic.wire("a", "g", "<x = 1<br/><font color=\"red\">2</font>>")
    source = to_dot(pic, Diagram()).source
    assert "subgraph cluster_inputs" in source and "label=inputs" in source
    assert source.index("a [label=x") < source.index("a -> g")
    assert pic.boxes == [Box("a", "x", {"shape": "plaintext"}, "inputs"),
                         Box("g", "+", {"shape": "circle"})]
    assert pic.wires == [Wire("a", "g", "<x = 1<br/><font color=\"red\">2</font>>")]


def test_only_the_writer_makes_dot_statements():
    """Every picture builds a Picture; only viz/picture.py calls graphviz's node, edge and
    subgraph."""
    found = []
    for path in sorted(VIZ.rglob("*.py")):
        if path.name == "picture.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("node", "edge", "subgraph"):
                found.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    assert found == []


def test_tensor_pictures_too():
    from autograd import Tensor

    t = Tensor(np.array([[1.0, 2.0]]), requires_grad=True, label="t")
    y = (t * t).sum()
    y.backward()
    d = viz.draw_graph(y)
    assert to_dot(d.picture, Diagram()).source == d.source
    assert any("Σ" == b.label for b in d.picture.boxes)


# ---------------------------------------------------------------- the queries pictures share


def test_consumers_says_who_reads_each_node():
    import autograd

    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    p = a * b
    y = p + a
    users = autograd.consumers(autograd.forward_order(y))
    assert [(c is p, i) for c, i in users[id(a)]] == [(True, 0), (False, 1)]
    assert [c for c, _ in users[id(a)]][1] is y
    assert users[id(b)] == [(p, 1)] and id(y) not in users


def test_replay_computes_the_graph_again_with_an_input_moved():
    import math

    import autograd

    a = Value(2.0, label="a")
    y = (a * a).tanh() + a**3 - a.relu() / 4
    new = autograd.replay(autograd.forward_order(y), {id(a): 3.0})
    assert new[id(y)].data == math.tanh(9.0) + 27.0 - 3.0 / 4
    assert new[id(a)].data == 3.0 and a.data == 2.0  # the original is untouched
    custom = autograd.value_op(a.data * 2, "double", [a], [2.0])
    assert autograd.replay(autograd.forward_order(custom), {}) is None  # not replayable


def test_an_activation_module_is_known_by_its_class_not_its_name():
    from nn.activations import activation_of

    assert [activation_of(m) for m in (nn.ReLU(), nn.Tanh(), nn.LeakyReLU(0.1), nn.ELU(),
                                       nn.Softmax(), nn.Identity(), nn.Sigmoid())] == [
        "relu", "tanh", "leaky_relu", "elu", "softmax", "linear", "sigmoid"]

    class ReLU(nn.Module):  # a user's module that happens to share the name
        def forward(self, x):
            return x

    assert activation_of(ReLU()) is None and activation_of(nn.Dense(2, input_dim=2)) is None
