"""viz reads what is drawn: DOT sources, files made by the real dot, plots, the CLI."""

import re
import subprocess
import sys
import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import nn
import viz
from autograd import Tensor, Value
from viz.diagram import RED
from viz.expression import ExpressionError, build


def lab_neuron():
    """Seed 004, exercise 1: x = [2.8, -1.8], W = [1.45, -0.35], b = -4, sigmoid."""
    x1, x2 = Value(2.8, label="x1"), Value(-1.8, label="x2")
    w1, w2, b = Value(1.45, label="w1"), Value(-0.35, label="w2"), Value(-4.0, label="b")
    return (w1 * x1 + w2 * x2 + b).sigmoid(), (x1, x2, w1, w2, b)


def wires(source):
    """(value, gradient or None) on every wire of a circuit diagram."""
    out = []
    for line in source.splitlines():  # a wire: \tn0 -> n1 [label=<value<br/><font …>grad</font>>]
        if " -> " not in line or "label=<" not in line:
            continue
        label = line.split("label=<", 1)[1].rsplit(">]", 1)[0]
        value, _, rest = label.partition("<br/>")
        grad = re.search(rf'<font color="{RED}">([^<]*)</font>', rest)
        out.append((value, grad.group(1) if grad else None))
    return out


def test_circuit_shows_forward_values_in_black_and_gradients_in_red():
    y, _ = lab_neuron()
    y.backward()
    source = viz.draw_graph(y).source
    found = wires(source)
    assert ("0.69", "0.2225") in found  # z into σ: value above, dL/dz below
    assert ("0.666", "1") in found  # the output wire: σ(z) and the seed 1
    assert ("1.45", "0.6229") in found and ("-4", "0.2225") in found  # w1 and b
    assert ("2.8", "0.3226") in found and ("-1.8", "-0.07786") in found  # x1, x2
    for name in ("x1", "x2", "w1", "w2", "b"):
        assert re.search(rf"label=<{name}>", source), name
    assert source.count('label="σ"') == 1  # one σ: its symbol; two ×: told apart
    assert source.count('label="×₁"') == 1 and source.count('label="×₂"') == 1
    assert f'<font color="{RED}">' in source


def test_no_gradient_is_drawn_before_backward():
    y, _ = lab_neuron()
    source = viz.draw_graph(y).source
    assert RED not in source and all(g is None for _, g in wires(source))
    y.backward()
    assert RED in viz.draw_graph(y).source
    assert RED not in viz.draw_graph(y, show_grad=False).source


def test_a_node_used_twice_has_two_wires_and_its_total():
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    source = viz.draw_graph(y).source
    node_x = re.search(r"(n\d+) \[label=<x", source).group(1)
    assert len(re.findall(rf"\t{node_x} -> ", source)) == 2
    assert wires(source).count(("3", "3")) == 2  # each wire carries 3 = x · dy/dy
    assert "Σ 6" in source  # the two add up to x.grad


def test_record_style_boxes_hold_label_data_and_grad():
    y, _ = lab_neuron()
    y.backward()
    source = viz.draw_graph(y, style="record").source
    assert (f'<td>w1</td><td>data 1.45</td><td><font color="{RED}">grad 0.6229</font></td>'
            in source)
    assert source.count("<table") == 10 and 'label="σ"' in source  # 10 values


def test_tensor_wires_show_small_matrices_and_the_shape_of_large_ones():
    W = Tensor(np.arange(6.0).reshape(2, 3) / 10, requires_grad=True, label="W")
    x = Tensor(np.ones((64, 2), np.float32), label="x")
    loss = (x @ W).tanh().sum()
    loss.backward()
    circuit = viz.draw_graph(loss).source
    assert "<tr><td>0</td><td>0.1</td><td>0.2</td></tr><tr><td>0.3</td><td>0.4</td>" in circuit
    assert "64×3" in circuit and "64×2 float32" in circuit  # large: the shape, dtype if not f64
    assert "mean" not in circuit
    record = viz.draw_graph(loss, style="record").source
    assert "2×3" in record and "64×3" in record
    (x_box,) = [line for line in record.splitlines() if "<td>x</td>" in line]
    assert "data" in x_box and "grad" not in x_box  # x needs no gradient: none is drawn
    for graph in (viz.draw_graph(loss), viz.draw_graph(loss, style="record")):
        assert "<svg" in graph.pipe(format="svg").decode()  # the real dot accepts it


def test_model_names_parameters_and_draws_modules_as_clusters():
    model = nn.MLP(2, [2, 1], seed=0)
    out = model([1.0, -2.0])
    out.backward()
    source = viz.draw_graph(out, model=model).source
    assert "label=<w¹₂₁>" in source and "label=<b²₁>" in source  # the labs' names, 1-based
    assert "layers.0.neurons.1.w.0" in model.state_dict()  # the keys do not change
    assert source.count("label=<x₁>") == 1  # an input given as a number: drawn once
    assert 'subgraph "cluster_layers.0" {' in source
    assert 'subgraph "cluster_layers.0.neurons.1" {' in source
    seq = nn.Sequential(nn.Linear(3, 4, "relu"), nn.Linear(4, 1))
    L = seq(np.ones((2, 3))).sum()
    L.backward()
    s2 = viz.draw_graph(L, model=seq).source
    assert "label=<W²" in s2 and "label=<b¹" in s2 and "cluster_layers.1" in s2


def test_large_graphs_warn_and_collapse():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X = np.random.default_rng(0).standard_normal((3, 2))
    loss = Value.sum([model(x) for x in X])
    with pytest.warns(UserWarning, match="Pass model= and collapse=True"):
        viz.draw_graph(loss, max_nodes=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        collapsed = viz.draw_graph(loss, model=model, collapse=True, max_nodes=100).source
    assert "layers.0" in collapsed and "layers.2" in collapsed and "box3d" in collapsed
    assert collapsed.count("->") < 20
    assert "label=\"48 values\"" in collapsed  # 16 outputs × 3 examples: counted, not drawn


def test_traversal_is_iterative_for_deep_graphs():
    x = Value(1.0, label="x")
    y = x
    for _ in range(50_000):  # 100,000 nodes
        y = y + 1.0
    graph = viz.draw_graph(y, max_nodes=None)  # all of it, asked for: no recursion limit
    assert graph.source.count("->") == 100_000 + 1


def test_files_are_made_by_the_real_dot(tmp_path):
    y, _ = lab_neuron()
    y.backward()
    graph = viz.draw_graph(y)
    svg = viz.save(graph, tmp_path / "g.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg and "0.6229" in svg
    assert viz.save(graph, tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert viz.save(graph, tmp_path / "g.pdf").read_bytes()[:5] == b"%PDF-"
    assert viz.save(graph, tmp_path / "g.dot").read_text() == graph.source
    assert "<svg" in graph._repr_image_svg_xml()  # how Jupyter shows it inline
    with pytest.raises(ValueError, match="unknown diagram format '.jpg'"):
        viz.save(graph, tmp_path / "g.jpg")


def test_backward_steps_fill_gradients_one_node_at_a_time(tmp_path):
    y, params = lab_neuron()
    steps = list(viz.backward_steps(y))
    assert len(steps) == 1 + 5  # the forward picture, then one per operation (no leaf frames)
    counts = [len([g for _, g in wires(s.source) if g is not None]) for s in steps]
    assert counts == [0, 2, 4, 6, 8, 10]  # σ: its output and input; then 2 wires per gate
    assert all(s.source.count("#f9e79f") == 1 for s in steps[1:])  # one highlighted node
    assert y.grad == 0.0 and all(p.grad == 0.0 for p in params)  # .grad untouched
    files = viz.save_steps(y, tmp_path / "frames")
    assert len(files) == 6 and files[0].name == "step_000.png"
    gif = viz.save_gif(y, tmp_path / "steps.gif").read_bytes()
    assert gif[:6] == b"GIF89a"


def test_explain_writes_the_chain_rule_path_by_path():
    y, (_, _, w1, _, _) = lab_neuron()
    y.label = "y"
    e = viz.explain(y, w1)
    assert len(e.paths) == 1 and e.paths[0].steps[0].value == 2.8  # ∂(w1·x1)/∂w1 = x1
    s = 1 / (1 + np.exp(-0.69))
    assert e.paths[0].steps[-1].value == pytest.approx(s * (1 - s))
    assert e.total == pytest.approx(e.gradient) and e.gradient == pytest.approx(0.622874, 1e-5)
    text = str(e)
    assert "path 1: w1 → ×₁ → +₁ → +₂ → y" in text
    assert "∂y/∂+₂ = σ(+₂)(1 − σ(+₂)) = 0.222455" in text and "sum over paths" in text
    assert "∂+₁/∂×₁" not in text and "2 factors of 1 from + not written" in text
    assert "product = 2.8 · 0.222455 = 0.622874" in text  # condensed: the 1s of + folded
    full = str(viz.explain(y, w1, full=True))
    assert "∂+₁/∂×₁ = 1 = 1" in full and "product = 2.8 · 1 · 1 · 0.222455" in full
    latex = e._repr_latex_()
    assert latex.startswith(r"$$\begin{aligned}\frac{\partial y}{\partial w1} &=")
    assert latex.count(r"\underbrace") == 2 and latex.endswith(r"&= 0.622874\end{aligned}$$")

    x = Value(0.5, label="x")
    L = (x * x).tanh() + x
    L.label = "L"
    many = viz.explain(L, x)
    assert len(many.paths) == 3  # directly, and through each operand of x*x
    assert many.total == pytest.approx(many.gradient)
    with pytest.raises(TypeError, match="explain works on Values"):
        viz.explain(Tensor([1.0], requires_grad=True).sum(), Tensor([1.0]))


def test_plots_draw_the_expected_lines():
    history = nn.History({"loss": [1.0, 0.5, 0.2], "accuracy": [0.5, 0.75, 1.0],
                          "val_loss": [1.1, 0.6, 0.3], "val_accuracy": [0.5, 0.5, 1.0]})
    axes = viz.plot_history(history)
    assert len(axes) == 2 and [len(a.lines) for a in axes] == [2, 2]
    np.testing.assert_array_equal(axes[0].lines[1].get_ydata(), [1.1, 0.6, 0.3])
    single = viz.plot_history(history, ax=plt.subplots()[1])  # one axes: the loss only
    assert [line.get_label() for line in single.lines] == ["loss (train)", "loss (validation)"]
    assert single.get_ylabel() == "loss"
    ax = viz.plot_runs({"lr=0.1": history, "lr=1": {"loss": [3.0, 1.0]}})
    assert [line.get_label() for line in ax.lines] == ["lr=0.1", "lr=1"]
    ax = viz.plot_activation("sigmoid")
    y = ax.lines[0].get_ydata()
    np.testing.assert_allclose(ax.lines[1].get_ydata(), y * (1 - y))  # σ' = σ(1 − σ)
    plt.close("all")


def test_decision_boundary_and_neuron_response():
    X, y = nn.data.logic_gate("AND")
    neuron = nn.Neuron(2, "sigmoid", weights=[10.0, 10.0], bias=-15.0)
    _, axes = plt.subplots(1, 3)
    viz.plot_decision_boundary(neuron, X, y, ax=axes[0], resolution=30)
    assert axes[0].collections and len(axes[0].collections[-1].get_offsets()) == 4
    seq = nn.Sequential(nn.Linear(2, 3, seed=0))
    viz.plot_decision_boundary(seq, X, [0, 1, 2, 1], ax=axes[1])
    viz.plot_neuron_response(nn.Neuron(2, "step", weights=[1, 1], bias=-1.5), ax=axes[2])
    assert "step: w = [1, 1], b = -1.5" == axes[2].get_title()
    with pytest.raises(ValueError, match="needs 2-D inputs"):
        viz.plot_decision_boundary(seq, np.ones((3, 3)), [0, 1, 0])
    plt.close("all")


# ---------------------------------------------------------------- the command line


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "viz", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_cli_round_trip(tmp_path):
    result = run_cli("sigmoid(w1*x1 + w2*x2 + b)", "x1=2.8", "x2=-1.8", "w1=1.45",
                     "w2=-0.35", "b=-4", "-o", "graph.svg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "d/dw1 = 0.622874" in result.stdout and "wrote graph.svg" in result.stdout
    svg = (tmp_path / "graph.svg").read_text()
    assert "0.6229" in svg and "0.666" in svg
    result = run_cli("x**2 + 3*x", "x=2", "--no-grad", "--style", "record", "--format", "dot",
                     "-o", "g", cwd=tmp_path)
    assert result.returncode == 0 and "data 10" in (tmp_path / "g.dot").read_text()
    assert "grad" not in (tmp_path / "g.dot").read_text()


@pytest.mark.parametrize(("expression", "values", "message"), [
    ("__import__('os').system('touch pwned')", [], "unknown function"),
    ("x.__class__", ["x=1"], "Attribute is not allowed"),
    ("[x for x in y]", ["y=1"], "ListComp is not allowed"),
    ("open('f')", [], "unknown function 'open'"),
    ("x * y", ["x=1"], "unknown variable 'y': give it a value as y=NUMBER"),
    ("x + 1", ["x=one"], "x: 'one' is not a number"),
    ("x + 1", ["x"], "expected NAME=NUMBER, got 'x'"),
    ("x +", ["x=1"], "cannot parse"),
    ("log(x)", ["x=-1"], "log is defined for x > 0"),
    ("'a' * x", ["x=1"], "only numbers are allowed"),
])
def test_cli_refuses_and_explains(tmp_path, expression, values, message):
    result = run_cli(expression, *values, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "graph.svg").exists()


def test_expression_builder_directly():
    root, inputs = build("leaky_relu(a, 0.1) - elu(b)", {"a": -2.0, "b": 1.0})
    root.backward()
    assert root.data == pytest.approx(-0.2 - 1.0) and inputs["a"].grad == pytest.approx(0.1)
    with pytest.raises(ExpressionError, match="do not appear in the expression"):
        build("a + 1", {"a": 1.0, "b": 2.0})
    with pytest.raises(ExpressionError, match="takes 1 argument, got 2"):
        build("tanh(a, 2)", {"a": 1.0})


def test_every_picture_the_library_makes_can_be_saved_with_viz_save(tmp_path):
    y, _ = lab_neuron()
    frames = list(viz.backward_steps(y))
    for k, frame in enumerate(frames[:2]):  # a frame is a graphviz.Source
        png = viz.save(frame, tmp_path / f"frame{k}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert viz.save(frame, tmp_path / f"frame{k}.dot").read_text() == frame.source
    assert "<svg" in viz.save(frames[-1], tmp_path / "last.svg").read_text()
    net = viz.draw_network(nn.MLP(2, [2, 1], seed=0))
    assert viz.save(net, tmp_path / "net.pdf").read_bytes()[:5] == b"%PDF-"
    ex = viz.random_exercise(3)
    ws = viz.worksheet(ex, hide="grads", seed=7)
    sheet = viz.save(ws, tmp_path / "sheet.svg").read_text()
    assert sheet == viz.save(ws.graph, tmp_path / "direct.svg").read_text()
    assert not (tmp_path / "sheet-key.svg").exists()  # the key only when asked: ws.save
    page = viz.save(viz.explore(y), tmp_path / "explorer.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    ax = viz.plot_activation("sigmoid")
    assert viz.save(ax, tmp_path / "act.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in viz.save(ax.figure, tmp_path / "act.svg").read_text()
    plt.close("all")
    with pytest.raises(ValueError, match=r"save: an explorer is written as \.html, got "
                                         r"'\.png'"):
        viz.save(viz.explore(y), tmp_path / "explorer.png")
    with pytest.raises(ValueError, match=r"save: a plot is written as \.png, \.svg or \.pdf, "
                                         r"got '\.dot'"):
        viz.save(ax, tmp_path / "act.dot")


def test_explore_of_a_huge_graph_draws_the_part_nearest_the_output():
    x = Value(1.0, label="x")
    y = x
    for _ in range(50_000):  # 100,001 nodes: a product and a constant per step
        y = y * 1.00001
    y.label = "y"
    with pytest.warns(UserWarning, match=r"explore: the graph has 100,001 nodes, too many to "
                                         r"lay out quickly or to read; drawn are the \d+ "
                                         r"nearest the output .* focus=node, depth=k"):
        page = viz.explore(y)
    assert 0 < len(page.data["nodes"]) <= 1000
    assert page.data["root"] in page.data["nodes"]
    assert all(key in page.data["nodes"] for key in page.data["backward"])
    part = viz.explore(y, focus=x, depth=2)  # another part, as the warning says
    names = {entry["name"] for entry in part.data["nodes"].values()}
    assert "x" in names and "y" not in names and len(names) < 10
    with pytest.warns(UserWarning, match=r"explore: the graph has 101 nodes"):
        viz.explore(_chain(50), max_nodes=20)


def _chain(n):
    y = Value(1.0)
    for _ in range(n):
        y = y * 1.0
    return y


def _bench_network(nodes):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "bench_viz", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_viz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = module.network(nodes)
    root.zero_grad()
    return root


def test_the_gif_stores_only_what_changed_and_shows_every_frame_whole(tmp_path):
    from PIL import Image

    from viz.steps import _Frames, _Steps

    y, _ = lab_neuron()
    gif = viz.save_gif(y, tmp_path / "steps.gif")
    whole = [np.asarray(f.convert("RGB")) for f in _Frames(_Steps(y, "circuit", "LR", 4, "t"),
                                                              viz.get_theme().dpi)]
    with Image.open(gif) as im:
        assert im.n_frames == len(whole) == 6
        for k in range(im.n_frames):  # decoded as a viewer shows it: each frame whole
            im.seek(k)
            np.testing.assert_array_equal(np.asarray(im.convert("RGB")), whole[k])
    root = _bench_network(50)
    size = viz.save_gif(root, tmp_path / "fifty.gif").stat().st_size
    assert size < 0.5e6  # 1.63 MB when each frame stored its whole changed rectangle


def test_a_gif_over_the_limit_is_refused_with_its_size_and_nothing_is_written(tmp_path):
    root = _bench_network(50)
    with pytest.raises(ValueError, match=r"save_gif: this GIF of 31 frames would be about "
                                         r"[\d.,]+ MB, more than max_mb=0\.05; nothing was "
                                         r"written\. Use save_steps\(root, folder, "
                                         r'fmt="html"\)'):
        viz.save_gif(root, tmp_path / "big.gif", max_mb=0.05)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match=r"save_gif: max_mb must be a number > 0 or None"):
        viz.save_gif(root, tmp_path / "big.gif", max_mb=0)


def test_save_steps_as_one_small_html_player(tmp_path):
    root = _bench_network(200)
    (page,) = viz.save_steps(root, tmp_path / "player", fmt="html")
    text = page.read_text()
    assert page.name == "steps.html" and text.startswith("<!DOCTYPE html>")
    assert "bplStart" in text and text.count("<svg") == 1
    assert page.stat().st_size < 1e6


def test_cli_language_and_theme(tmp_path):
    result = run_cli("w*x", "w=2", "x=3", "--lang", "es", "--theme", "projector", "-o",
                     "g.dot", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "valor = 6" in result.stdout and "escrito: g.dot" in result.stdout
    dot = (tmp_path / "g.dot").read_text()
    assert 'fontsize=24' in dot or 'fontsize="24"' in dot  # the projector's gate font


def test_draw_network_names_each_weight_on_its_own_wire():
    model = nn.MLP(3, [2, 4, 1], activation="sigmoid", seed=0)
    model([1.0, 0.0, 1.0]).backward()
    source = viz.draw_network(model).source
    edges = [line for line in source.splitlines() if " -> " in line]
    assert len(edges) == 3 * 2 + 2 * 4 + 4 * 1
    assert all("decorate=true" in e for e in edges)  # each label drawn joined to its wire
    for layer, (nin, nout) in enumerate([(3, 2), (2, 4), (4, 1)], 1):
        neurons = model.layers[layer - 1].neurons
        for j in range(nout):
            for k in range(nin):
                w = neurons[j].w[k]
                name = w.label  # the same name the scalar MLP gives the parameter
                label = f"{name} = {viz.diagram.fmt(w.data, 3)}"
                assert sum(label in e for e in edges) == 1, label
