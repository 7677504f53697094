"""Issue #15 (first part): what Jupyter shows for a summary and a History, read through
IPython's own display formatter."""

from __future__ import annotations

from IPython.core.formatters import DisplayFormatter

import nn


def test_a_summary_shows_as_a_table_not_an_escaped_string():
    summary = nn.MLP(3, [2, 4, 1], seed=0).summary()
    data, _ = DisplayFormatter().format(summary)
    assert "\\n" not in data["text/plain"] and data["text/plain"] == str(summary)
    assert data["text/plain"].splitlines()[-1] == "total: 25 parameters"
    assert "<table>" in data["text/html"] and "<td>layers.1</td>" in data["text/html"]
    assert "total: 25 parameters" in summary and isinstance(summary, str)  # still text


def test_a_history_has_a_short_repr_and_an_html_table():
    X, y = nn.data.logic_gate("XOR")
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    history = nn.fit(model, X, y, loss=nn.losses.binary_cross_entropy, epochs=50,
                     optimizer=nn.optim.Adam(model.parameters(), lr=0.05), verbose=False)
    data, _ = DisplayFormatter().format(history)
    text = data["text/plain"]
    assert text.startswith("History(50 epochs: loss ") and "accuracy" in text
    assert len(text) < 120  # not every list in full
    assert "<table>" in data["text/html"] and "<td>loss</td>" in data["text/html"]


def test_every_figure_shows_in_a_real_kernel_after_a_library_plot():
    """A viz plot used to restore every rcParam (plt.rc_context), the backend included; in
    Jupyter no figure showed after the first one. Run in a kernel, as a student would."""
    import nbformat
    from nbclient import NotebookClient

    cells = ["import numpy as np, matplotlib.pyplot as plt, viz",
             "viz.plot_activation('tanh');", "plt.plot([1, 2, 3]);",
             "viz.plot_images(np.ones((2, 64)), shape=(8, 8));", "plt.plot([3, 2, 1]);"]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    shown = [any("image/png" in o.get("data", {}) for o in cell.outputs)
             for cell in notebook.cells]
    assert shown == [False, True, True, True, True]


def _shown(obj) -> dict:
    data, _ = DisplayFormatter().format(obj)
    return data


def test_a_module_shows_its_structure_and_its_parameter_table():
    model = nn.Sequential(nn.Dense(4, "relu", input_dim=3, seed=0), nn.Dense(2, seed=1))
    data = _shown(model)
    assert data["text/plain"] == repr(model) and data["text/plain"].count("\n") == 3
    html = data["text/html"]
    assert html.startswith("<pre>Sequential(") and "<td>layers.0</td>" in html
    assert "total: 26 parameters" in html


def test_a_tensor_shows_a_short_repr_and_a_table_with_its_gradient():
    import numpy as np

    from autograd import Tensor

    big = Tensor(np.arange(400.0).reshape(20, 20), requires_grad=True, label="W")
    (big * 2).sum().backward()
    data = _shown(big)
    assert len(data["text/plain"]) < 400 and "..." in data["text/plain"]
    html = data["text/html"]
    assert html.startswith("<b>Tensor 20×20, float64, label &#x27;W&#x27;, requires_grad</b>")
    assert html.count("<tr>") == 2 * 9 + 1 and "<td>…</td>" in html  # 8 rows + "…", twice
    assert "grad<table" in html and "<td>2</td>" in html
    assert "grad<table" not in _shown(Tensor([1.0, 2.0]))["text/html"]


def test_the_reports_have_html_tables_and_short_text():
    from autograd import Value, gradcheck

    w = Value(2.0, label="w")
    report = gradcheck(lambda t: t * t, [w], by_hand=[4.0])
    assert "<table" in _shown(report)["text/html"]
    y = (w * 3.0).tanh()
    assert "<table>" in _shown(__import__("viz").check(y, grads={"w": 0.1}))["text/html"]
    assert "text/latex" in _shown(__import__("viz").explain(y, w))
    X, t = nn.data.logic_gate("XOR")
    result = nn.perceptron_train(nn.Neuron(2, "step", seed=0), X, t, max_epochs=50)
    text = _shown(result)["text/plain"]
    assert text.startswith("PerceptronResult(converged=False, epochs=50, updates=")
    assert ", …, " in text and text.endswith("])")
    assert len(text) < 150


def test_fit_draws_a_widget_bar_in_a_notebook_with_the_loss_and_metrics():
    """With ipywidgets (the notebooks extra), tqdm.auto gives a widget, not a text bar on
    stderr (which Jupyter draws in red, as an error)."""
    import nbformat
    from nbclient import NotebookClient

    source = ("import nn\nX, y = nn.data.logic_gate('XOR')\n"
              "m = nn.MLP(2, [3, 1], activation='tanh', output_activation='sigmoid', seed=0)\n"
              "h = nn.fit(m, X, y, loss=nn.losses.binary_cross_entropy, epochs=20,\n"
              "           optimizer=nn.optim.Adam(m.parameters(), lr=0.05))")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    NotebookClient(notebook, timeout=60, kernel_name="python3",
                   store_widget_state=True).execute()
    outputs = notebook.cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data"]  # no stderr stream
    assert "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    texts = [m["state"].get("value") for m in state.values() if m["model_name"] == "HTMLModel"]
    assert any("20/20" in t and "loss=" in t and "accuracy=" in t for t in texts), texts


def test_fit_draws_a_text_bar_in_a_terminal_with_the_loss_and_metrics():
    import subprocess
    import sys

    code = ("import nn\nX, y = nn.data.logic_gate('AND')\nm = nn.Neuron(2, 'sigmoid', seed=0)\n"
            "nn.fit(m, X, y, loss=nn.losses.binary_cross_entropy, epochs=30)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=__import__("pathlib").Path(__file__).parent.parent)
    assert done.returncode == 0 and done.stdout == ""
    last = done.stderr.replace("\r", "\n").strip().splitlines()[-1]
    assert last.startswith("fit: 100%") and "30/30" in last
    assert "loss=" in last and "accuracy=" in last


def test_the_pictures_show_as_pictures_through_the_formatter():
    """Every object the library means to be shown in a notebook, read as Jupyter reads it."""
    import viz
    from autograd import Value

    w = Value(0.5, label="w")
    y = (w * 2.0).tanh()
    y.backward()
    explorer = _shown(viz.explore(y))
    assert "text/html" in explorer and "<script" in explorer["text/html"]
    sheet = _shown(viz.worksheet(y, seed=1))
    assert "image/svg+xml" in sheet and "?1" in sheet["image/svg+xml"]
    network = _shown(viz.draw_network(nn.Neuron(2, "sigmoid", seed=0)))
    assert network["image/svg+xml"].lstrip().startswith(("<?xml", "<svg"))
    assert "text/latex" in _shown(viz.explain(y, w))
    assert "text/html" in _shown(nn.MLP(2, [2, 1], seed=0))
