"""Issue #11: diagrams a student reads at a glance. These tests read what is drawn: the DOT
source, and where the real dot puts things in its SVG."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import viz
from autograd import Tensor, Value
from viz.diagram import RED, fmt


@pytest.mark.parametrize(("x", "text"), [
    (83960.7, "83961"), (83960.0, "83960"), (-0.0, "0"), (0.0, "0"), (-1e-20, "-1e-20"),
    (0.222504, "0.2225"), (-0.07786, "-0.07786"), (1.0, "1"), (-4.0, "-4"),
    (999999.4, "999999"), (1.5e6, "1.5e+06"), (0.00012345, "0.0001234"),
    (9.99996, "10"), (float("nan"), "nan"), (float("-inf"), "-inf"), (np.float32(-0.0), "0"),
])
def test_numbers_are_written_as_a_person_writes_them(x, text):
    assert fmt(x, 4) == text


def test_precision_is_configurable():
    assert fmt(0.123456789, 6) == "0.123457" and fmt(3.14159, 2) == "3.1"


def _positions(svg: str) -> dict[str, tuple[float, float]]:
    """Each node's title (its DOT id) and the centre of its text, from dot's SVG."""
    found = {}
    for block in re.findall(r'<g id="node\d+" class="node">(.*?)</g>', svg, re.S):
        title = re.search(r"<title>(.*?)</title>", block).group(1)
        text = re.search(r'<text[^>]*x="([-\d.]+)" y="([-\d.]+)"', block)
        found[title] = (float(text.group(1)), float(text.group(2)))
    return found


def _ids(source: str) -> dict[str, str]:
    """Node label (text) -> DOT id, for leaves drawn with their names."""
    return {m.group(2): m.group(1) for m in re.finditer(r"\t(n\d+) \[label=<([^<>]*)>", source)}


def test_operands_are_drawn_in_argument_order_top_to_bottom():
    x1, x2 = Value(2.8, label="x1"), Value(-1.8, label="x2")
    w1, w2 = Value(1.45, label="w1"), Value(-0.35, label="w2")
    y = (w1 * x1 + w2 * x2).tanh()
    graph = viz.draw_graph(y)
    ids = _ids(graph.source)
    where = _positions(graph.pipe(format="svg").decode())
    ys = [where[ids[name]][1] for name in ("w1", "x1", "w2", "x2")]
    assert ys == sorted(ys), ys  # SVG y grows downwards: w1 above x1 above w2 above x2


def test_every_label_a_user_sets_is_drawn_and_constants_carry_no_gradient():
    w, x = Value(1.5, label="w"), Value(2.0, label="x")
    z = w * x + 1.0
    z.label = "z1"
    y = z.sigmoid()
    y.label = "ŷ"
    loss = (y - 1.0) ** 2
    loss.backward()
    source = viz.draw_graph(loss).source
    assert "z1 = 4" in source and "ŷ = 0.982" in source
    constant_wires = [line for line in source.splitlines()
                      if " -> " in line and re.search(r"label=<1<br/>|label=<1>", line)]
    assert len(constant_wires) == 2 and all(RED not in line for line in constant_wires)
    assert loss.parents[0].parents[1].grad == 0.0  # the constant 1 took none


def test_step_frames_keep_every_node_where_it_was():
    w, x, b = Value(1.5, label="w"), Value(2.0, label="x"), Value(-1.0, label="b")
    y = (w * x + b).tanh()
    frames = list(viz.backward_steps(y))
    placed = [_positions(frame.pipe(format="svg").decode()) for frame in frames]
    assert all(p == placed[0] for p in placed[1:])
    assert frames[0].source.count(RED) == 0 and frames[-1].source.count(RED) >= 5


def test_tensor_constants_and_small_matrices():
    a = Tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True, label="A")
    out = (a * 2).sum()
    out.backward()
    source = viz.draw_graph(out).source
    assert f'<td><font color="{RED}">2</font></td>' in source  # A's gradient, as a matrix
    assert "<td>-2</td>" in source and "-0" not in source


def test_themes_set_sizes_for_the_room():
    w, x = Value(1.5, label="w"), Value(2.0, label="x")
    y = (w * x).tanh()
    y.backward()
    notebook = viz.draw_graph(y).source
    projector = viz.draw_graph(y, theme="projector").source
    assert "fontsize=14" in notebook and "fontsize=24" in projector
    assert "penwidth=2.5" in projector
    try:
        viz.set_theme("paper")
        assert "fontsize=10" in viz.draw_graph(y).source
        ax = viz.plot_activation("tanh")
        assert ax.title.get_fontsize() == pytest.approx(8 * 1.15)
    finally:
        viz.set_theme("notebook")
    assert viz.plot_activation("tanh", theme="projector").title.get_fontsize() == \
        pytest.approx(18 * 1.15)
    with pytest.raises(ValueError, match="unknown theme 'huge'; choose one of notebook, "
                                         "projector, paper"):
        viz.set_theme("huge")


def test_a_wide_diagram_scrolls_in_jupyter_instead_of_shrinking():
    from IPython.core.formatters import DisplayFormatter

    x = Value(1.0, label="x")
    y = x
    for _ in range(12):
        y = (y * 1.1).tanh()
    data, _ = DisplayFormatter().format(viz.draw_graph(y))
    assert 'overflow-x: auto' in data["text/html"]
    assert '<svg style="max-width: none"' in data["text/html"]
    assert data["image/svg+xml"].lstrip().startswith(("<?xml", "<!--", "<svg"))


@pytest.mark.parametrize(("loss", "gate"), [("binary_cross_entropy", "BCE"), ("mse", "MSE"),
                                            ("half_squared_error", "½(ŷ−y)²")])
def test_a_loss_is_drawn_as_one_gate_with_its_gradient_on_the_input_wire(loss, gate):
    from nn import losses

    w = Value(0.8, label="w")
    p = (w * 1.5).sigmoid()
    p.label = "ŷ"
    L = getattr(losses, loss)([p], [1.0])
    L.backward()
    source = viz.draw_graph(L).source
    drawn = re.compile(rf'label="?{re.escape(gate)}"?[ \]]')
    assert len(drawn.findall(source)) == 1
    assert "log" not in source and 'label="−"' not in source  # the inside is not drawn
    dL_dp = p.grad
    assert re.search(rf'ŷ = {re.escape(fmt(p.data))}<br/><font color="{RED}">'
                     rf"{re.escape(fmt(dL_dp))}</font>", source)
    inside = viz.draw_graph(L, expand=True).source
    assert not drawn.search(inside) and inside.count(" -> ") > source.count(" -> ")
    assert not drawn.search(viz.draw_graph(L, expand=[loss]).source)
    assert "<svg" in viz.draw_graph(L).pipe(format="svg").decode()


def test_cross_entropy_is_drawn_as_one_CE_gate_on_values_and_on_tensors():
    from nn import losses

    drawn = re.compile(r'label="?CE"?[ \]]')
    row = [Value(0.3, label="z0"), Value(-0.2, label="z1"), Value(1.1, label="z2")]
    L = losses.cross_entropy([row], [2])
    assert len(drawn.findall(viz.draw_graph(L).source)) == 1
    assert not drawn.search(viz.draw_graph(L, expand=["cross_entropy"]).source)
    z = Tensor(np.array([[0.3, -0.2, 1.1]]), requires_grad=True, label="z")
    T = losses.cross_entropy(z @ Tensor(np.eye(3)), [2])  # one fused node, stamped the same
    assert T.scope is L.scope and (T.scope.name, T.scope.gate) == ("cross_entropy", "CE")
    assert len(drawn.findall(viz.draw_graph(T).source)) == 1
    assert T.item() == pytest.approx(L.data)


def _chain(n):
    x = Value(0.5, label="x")
    y = x
    nodes = []
    for k in range(n):
        y = (y * 1.001).tanh()
        y.label = f"t{k}"
        nodes.append(y)
    return x, y, nodes


def test_focus_draws_the_neighbourhood_of_one_node_and_marks_where_it_is_cut():
    _, y, nodes = _chain(40)
    y.backward()
    part = viz.draw_graph(y, focus=nodes[20], depth=2).source
    drawn = set(re.findall(r"\t(n\d+) \[", part))
    assert 5 <= len(drawn) <= 8  # t20 and two wires either way, and the ⋯ where it is cut
    assert "⋯" in part and "t19 = " in part and "t20 = " in part and "t25" not in part
    assert "<svg" in viz.draw_graph(y, focus=nodes[20], depth=2).pipe(format="svg").decode()
    with pytest.raises(ValueError, match="focus must be a node of the graph being drawn"):
        viz.draw_graph(y, focus=Value(1.0))


def test_a_huge_graph_is_drawn_in_part_with_a_message_saying_how_to_see_more():
    _, y, _ = _chain(5000)  # 15,001 nodes
    with pytest.warns(UserWarning, match=r"the graph has 15,001 nodes, too many to lay out "
                                         r"quickly or to read; drawn are the \d+ nearest the "
                                         r"output .* focus=node, depth=k"):
        graph = viz.draw_graph(y)
    assert len(re.findall(r"\tn\d+ \[", graph.source)) <= 1000
    assert "<svg" in graph.pipe(format="svg").decode()  # and dot lays it out


def test_draw_network_is_the_labs_picture_with_weights_and_gradients():
    import nn
    from nn import losses

    model = nn.MLP(3, [2, 4, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    X, y = nn.data.majority3()
    before = viz.draw_network(model).source
    assert before.count(" -> ") == 3 * 2 + 2 * 4 + 4 * 1 and RED not in before  # no grad yet
    losses.half_squared_error([model(x) for x in X], y).backward()
    source = viz.draw_network(model).source
    w = model.layers[1].neurons[2].w[1]  # layer 2, neuron 3, from neuron 2 of layer 1
    assert re.search(rf"L1_1 -> L2_2 \[label=<w²₃₂ = {re.escape(fmt(w.data, 3))}<br/><font "
                     rf'color="{RED}">∂ {re.escape(fmt(w.grad, 3))}</font>>', source)
    assert source.count("σ<br/>") == 7 and "layer 3 (σ)" in source
    assert "<svg" in viz.draw_network(model).pipe(format="svg").decode()


def test_draw_network_of_a_sequential_with_a_skip_connection_and_a_wide_layer():
    import nn

    xor = nn.Sequential(nn.Concatenate(nn.Dense(2, "tanh", input_dim=2, seed=0), nn.Identity()),
                        nn.Dense(1, "tanh", seed=1))
    source = viz.draw_network(xor).source
    assert "x0 -> L2_0" in source and "x1 -> L2_0" in source  # the inputs skip to the output
    assert source.count(" -> ") == 2 * 2 + 4
    wide = nn.Sequential(nn.Dense(64, "relu", input_dim=3), nn.Dense(10))
    text = viz.draw_network(wide).source
    assert "64 neurons, ReLU" in text and "3×64" in text and text.count(" -> ") < 20
    with pytest.raises(TypeError, match="draw_network: Value has no dense layers"):
        viz.draw_network(Value(1.0))


def test_large_tensors_show_their_shape_and_on_request_a_summary():
    W = Tensor(np.full((5, 3), 2.0), requires_grad=True, label="W")
    out = (Tensor(np.ones((6, 5))) @ W).sum()
    out.backward()
    plain = viz.draw_graph(out).source
    assert "5×3" in plain and "mean" not in plain
    summary = viz.draw_graph(out, summary=True).source
    assert f"mean 2, ‖·‖ {fmt(np.linalg.norm(W.data))}" in summary


def test_concatenate_reads_its_input_once_and_clusters_come_in_order():
    import nn

    xor = nn.Sequential(nn.Concatenate(nn.Dense(2, "tanh", input_dim=2, seed=0), nn.Identity()),
                        nn.Dense(1, "tanh", seed=1))
    out = xor(np.array([[1.0, -1.0]])).sum()
    source = viz.draw_graph(out, model=xor).source
    tails = {line.split(" -> ")[0].strip() for line in source.splitlines()
             if " -> " in line and "<tr><td>1</td><td>-1</td></tr>" in line}
    assert len(tails) == 1  # the input is one node, its wires going to both branches
    clusters = re.findall(r'subgraph "cluster_([^"]+)"', source)
    assert clusters == sorted(clusters, key=lambda c: [int(k) if k.isdigit() else k
                                                       for k in re.split(r"\.", c)])


def test_a_diagram_saved_as_png_is_a_picture_not_dot_text(tmp_path):
    """graphviz's Digraph.save writes the DOT source whatever the extension; Diagram.save
    draws .png/.svg/.pdf and keeps graphviz's behaviour for other names."""
    from autograd import Value

    y = (Value(2.0, label="x") * 3.0).tanh()
    diagram = viz.draw_graph(y)
    png = diagram.save(tmp_path / "graph.png")
    assert Path(png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = diagram.save("graph.svg", directory=tmp_path)
    assert Path(svg).read_text().lstrip().startswith(("<?xml", "<svg"))
    source = diagram.save(tmp_path / "graph.gv")
    assert Path(source).read_text().startswith("digraph")
    rendered = diagram.render(tmp_path / "rendered", format="svg")  # graphviz's own path
    assert Path(rendered).exists()
