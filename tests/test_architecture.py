"""The design rules the code relies on, checked: dependencies point one way, and the renderer
reads graphs only through the graph core's public API."""

import ast
import re
from pathlib import Path

import numpy as np
import pytest

import autograd
from autograd import Tensor, Value

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_autograd_needs_only_numpy_and_the_standard_library():
    assert not _imports("autograd") & {"nn", "viz", "graphviz", "matplotlib", "tqdm", "torch"}


def test_nn_does_not_use_viz():
    assert "viz" not in _imports("nn")


@pytest.mark.parametrize("package", ["viz", "nn"])
def test_no_private_attribute_of_a_node_is_read_outside_the_engine(package):
    private = re.compile(r"\.(_local|_g|_mark|_id|_seed|_requires_grad)\b|autograd\.graph import")
    for path in (ROOT / package).glob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "in_scope" in line:  # the one hook nn.Module uses, named in graph's docs
                continue
            assert not private.search(line), f"{path.name}:{number}: {line.strip()}"


def test_backward_pass_gives_what_backward_adds_and_touches_no_grad():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = (x * w).tanh() + x
    passed = autograd.backward_pass(y)
    assert passed[0][0] is y and {n.label for n, _ in passed[-2:]} == {"x", "w"}
    assert x.grad == 0.0 and w.grad == 0.0
    grads = {id(n): g for n, g in passed}
    y.backward()
    for node in autograd.topological_order(y):
        assert grads[id(node)] == node.grad


def test_edge_grad_is_the_chain_rule_for_one_wire():
    x, w = Value(2.0), Value(-3.0)
    p = x * w
    assert autograd.local_derivative(p, 0) == -3.0 and autograd.edge_grad(p, 1, 0.5) == 1.0
    a = Tensor([1.0, 2.0], requires_grad=True)
    t = a * Tensor([3.0, 4.0])
    np.testing.assert_array_equal(autograd.edge_grad(t, 0, np.ones(2)), [3.0, 4.0])
    assert autograd.edge_grad(t, 1, np.ones(2)) is None  # no gradient flows to a constant
    with pytest.raises(TypeError, match="array op"):
        autograd.local_derivative(t, 0)
