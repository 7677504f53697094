"""Issue #10, viz and the command line: every failure is one line that names the problem
(exit status 2 for the command line), within documented limits of size and time."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import viz
from autograd import Tensor, Value


def run_cli(*args, cwd, timeout=60):
    return subprocess.run([sys.executable, "-m", "viz", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


CLI_CASES = [
    ("+".join(["x"] * 1500), ["x=1"], r"the expression is 2,999 characters long; the limit "
                                      r"is 2,000"),
    ("+".join(["1"] * 400) + "+x", ["x=1"], r"the expression has 400 operations; the limit is 300"),
    ("(" + "-" * 3000 + "x)", ["x=1"], r"the expression is 3,003 characters long; the limit "
                                       r"is 2,000"),
    ("(" + "-" * 1500 + "x)", ["x=1"], r"the expression has 1,500 operations; the limit is 300|"
                                       r"nested too deeply"),
    ("(" * 250 + "x" + ")" * 250, ["x=1"], r"too many nested parentheses"),
    ("exp(" * 150 + "x" + ")" * 150, ["x=1"], r"the expression is nested 150 deep; the limit "
                                               r"is 100"),
    ("x + 1", ["x=1", "x=5"], r"x is given twice \(x=1 and x=5\)"),
    ("9**9**9**9 + x", ["x=1"], r"9\*\*9\*\*9(\*\*9)? overflows a float"),
    ("x*" * 100 + "x", ["x=1"], r"x is used 101 times; the limit is 40"),
    ("exp(x)", ["x=1000"], r"the value is inf at these inputs"),
    ("x + 1", ["x=1", "-o", "missing/folder/g.svg"], r"the folder missing/folder does not exist"),
    ("x + 1", ["x=2,8"], r"x: '2,8' is not a number \(write the decimal point as '\.'"),
]


@pytest.mark.parametrize(("expression", "values", "message"), CLI_CASES,
                         ids=[str(i) for i in range(len(CLI_CASES))])
def test_cli_fails_with_one_line_and_status_2(tmp_path, expression, values, message):
    result = run_cli(expression, *values, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m viz: error: "), result.stderr
    assert "Traceback" not in result.stderr
    import re
    assert re.search(message, lines[0]), lines[0]
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_dot_runs_under_a_time_limit(monkeypatch, tmp_path):
    from viz import render

    slow = tmp_path / "dot"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    x = Value(1.0, label="x")
    with pytest.raises(TimeoutError, match=r"dot did not finish within 1 s"):
        render.render_bytes(viz.draw_graph(x * 2), "svg", timeout=1)


def test_draw_graph_refuses_a_diagram_dot_would_take_minutes_on():
    x = Value(1.0, label="x")
    y = x
    for _ in range(100):
        y = y * x
    with pytest.raises(ValueError, match=r"draw_graph: x feeds 101 operations spread over the "
                                         r"graph: its wires would cross 4,950 columns, and dot "
                                         r"takes minutes on more than 2,000"):
        viz.draw_graph(y)
    assert viz.draw_graph(y, max_long_wires=None)  # asked for explicitly: drawn (not laid out)
    x = Value(1.0, label="x")
    assert viz.draw_graph(sum((x * k for k in range(1, 30)), Value(0.0)))  # 29 uses: fine


VIZ_CASES = [
    (lambda: viz.save("a string", "g.svg"), TypeError,
     r"save: expected a diagram from draw_graph, draw_network or backward_steps, a "
     r"worksheet, an explorer or a plot, got str"),
    (lambda: viz.draw_graph(Value(1.0) * 2, precision=-1), ValueError,
     r"draw_graph: precision must be an integer from 1 to 17, got -1"),
    (lambda: viz.draw_graph(Value(1.0) * 2, model=object()), TypeError,
     r"draw_graph: model must be an nn\.Module, got object"),
    (lambda: viz.draw_graph(3.0), TypeError, r"draw_graph needs a Value or Tensor, got float"),
    (lambda: viz.explain(*(2 * [Value(1.0) * 2])), ValueError,
     r"explain: leaf is root itself; pick one of the inputs it was computed from"),
    (lambda: viz.plot_activation("reshape"), ValueError,
     r"plot_activation: unknown activation 'reshape'; choose one of .*sigmoid"),
    (lambda: viz.plot_activation("sigmoid", x=np.array([[np.nan]])), ValueError,
     r"plot_activation: x must be finite numbers"),
    (lambda: viz.backward_steps(3.0), TypeError, r"backward_steps needs a Value or Tensor"),
    (lambda: viz.save_gif(Value(1.0) * 2, "g.gif", seconds_per_step=0), ValueError,
     r"save_gif: seconds_per_step must be a finite number > 0"),
]


@pytest.mark.parametrize(("call", "error", "message"), VIZ_CASES,
                         ids=[str(i) for i in range(len(VIZ_CASES))])
def test_viz_entry_points_check_their_arguments(call, error, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=message):
        call()
    assert list(tmp_path.iterdir()) == []


def test_backward_steps_and_gif_warn_above_a_size(tmp_path):
    x = Value(0.5, label="x")
    y = x
    for _ in range(130):
        y = (y * 1.001).tanh()
    with pytest.warns(UserWarning, match=r"backward_steps: 261 frames, one per operation; "
                                         r"above 200"):
        frames = viz.backward_steps(y)
        next(iter(frames))
    small = (x * 2).tanh()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        list(viz.backward_steps(small))
    t = Tensor([1.0, 2.0], requires_grad=True)
    assert len(list(viz.backward_steps((t * t).sum()))) == 3  # Tensors step too: sum, *


def test_a_missing_dot_is_one_clear_sentence(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no dot
    x = Value(1.0, label="x")
    with pytest.raises(viz.GraphvizMissing, match=r"Graphviz's 'dot' program is not installed, "
                                                  r"so diagrams cannot be drawn \(everything "
                                                  r"else works\)\. Install it: apt-get install"):
        viz.save(viz.draw_graph(x * 2), tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()
