"""fit(live=True) (issue #24, item 1): in a real kernel, one figure updated in place; in a
terminal, one line and training as usual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
import numpy as np
import nn, viz
from IPython.display import DisplayHandle
X, y = nn.data.two_moons(200, noise=0.15, seed=0)
model = nn.Sequential(nn.Dense(8, "tanh", input_dim=2, seed=0), nn.Dense(8, "tanh", seed=1),
                      nn.Dense(1, "sigmoid", seed=2))
updates = []
original = DisplayHandle.update
def counting(self, obj, **kwargs):
    updates.append(1)
    return original(self, obj, **kwargs)
DisplayHandle.update = counting
"""
TRAIN = """
history = nn.fit(model, X, y, loss=nn.losses.binary_cross_entropy, epochs=8000,
                 optimizer=nn.optim.Adam(model.parameters(), lr=0.01), live=True,
                 verbose=False)
"""


def test_the_live_view_is_one_figure_updated_in_place_in_a_kernel(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(TRAIN),
                      nbformat.v4.new_code_cell("print(len(updates), len(history.epoch))")]
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = notebook.cells[1].outputs
    assert [o.output_type for o in outputs] == ["display_data"]  # one view, nothing else
    view = outputs[0].data["text/html"]  # its last state: updates replace it in place
    assert 'class="bpl-live"' in view and "epoch 8000" in view and "data:image/png" in view
    updates, epochs = map(int, notebook.cells[2].outputs[0].text.split())
    assert epochs == 8000 and 2 <= updates <= 8000 / 100  # several, far fewer than epochs


def test_in_a_terminal_live_says_so_in_one_line_and_trains(tmp_path):
    script = ("import nn, viz\nX, y = nn.data.two_moons(40, seed=0)\n"
              "m = nn.Sequential(nn.Dense(1, 'sigmoid', input_dim=2, seed=0))\n"
              "h = nn.fit(m, X, y, epochs=3, live=True, verbose=False)\n"
              "print(len(h.epoch))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "fit(live=True): the live view needs a notebook (Jupyter); training without it", "3"]


def test_for_other_inputs_the_view_shows_each_layers_gradient_with_names_escaped():
    import nn
    from viz.live import LiveView

    X = np.random.default_rng(0).normal(size=(40, 5))
    y = (X.sum(axis=1) > 0).astype(float)
    model = nn.Sequential(nn.Dense(4, "tanh", input_dim=5, seed=0), nn.Dense(1, "sigmoid",
                                                                           seed=1))
    history = nn.fit(model, X, y, loss=nn.losses.binary_cross_entropy, epochs=4, watch=True,
                     verbose=False)
    history.health = {"<b>layer</b>": history.health["layers.0"],
                      "layers.1": history.health["layers.1"]}
    view = LiveView(model, X, y, None)
    view.model, view.history = model, history
    page = view.html()
    assert page.count("<polyline") == len(history.history) + 2  # curves, then two layers
    assert "&lt;b&gt;layer&lt;/b&gt;" in page and "<b>layer</b>" not in page
    assert "data:image/png" not in page  # no boundary for five inputs
