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
