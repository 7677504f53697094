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


PROJECT = ("autograd", "nn", "viz")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__")


def _private_uses(path: Path) -> list[str]:
    """Names private to another module that ``path`` uses: ``from m import _x``,
    ``import m._x`` and ``m._x``, for every module ``m`` of this project."""
    tree = ast.parse(path.read_text())
    aliases: set[str] = set()  # names bound to modules of this project
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            ours = node.level > 0 or (node.module or "").split(".")[0] in PROJECT
            if not ours:
                continue
            module = node.module or ""
            if any(_private(part) for part in module.split(".")):
                found.append(f"from {'.' * node.level}{module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"from {'.' * node.level}{module} import {alias.name}")
                else:
                    aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PROJECT:
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"import {alias.name}")
                    aliases.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in aliases
                and node.value.id not in ("self", "cls")):
            found.append(f"{node.value.id}.{node.attr}")
    return [f"{path.name}: {use}" for use in found]


def test_no_module_uses_a_name_private_to_another():
    """A name with a leading underscore belongs to its module: what another module needs is
    given a public name where it is defined (issue #28, item 3)."""
    found = [use for package in PROJECT for path in sorted((ROOT / package).rglob("*.py"))
             for use in _private_uses(path)]
    assert found == []


def test_the_private_names_check_finds_each_kind_of_use(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("from .check import _close\nimport nn._clash\nfrom . import diagram\n"
                      "diagram._Drawing\nimport os\nos._exit\nfrom numpy import _core\n")
    assert [use.split(": ", 1)[1] for use in _private_uses(module)] == [
        "from .check import _close", "import nn._clash", "diagram._Drawing"]


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


def _module_imports(package: str) -> dict[str, set[str]]:
    """Each module of ``package`` and the modules of the same package it imports, at the top
    or inside a function (what runs; imports only for type checkers are left out)."""
    graph: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_init = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_init else parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for stmt in ast.walk(tree) if isinstance(stmt, ast.If)
                       and getattr(stmt.test, "id", "") == "TYPE_CHECKING"
                       for body in stmt.body for n in ast.walk(body)}
        found = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or id(node) in typing_only:
                continue
            if node.level:
                base = module.split(".") if is_init else module.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != package:
                continue
            if target != module:
                found.add(target)
            for alias in node.names:  # from . import module
                name = f"{target}.{alias.name}"
                if (ROOT / Path(*name.split("."))).with_suffix(".py").exists():
                    found.add(name)
        graph[module] = found
    return graph


def _cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            found.add(tuple(sorted(set(path[path.index(node):]))))
            return
        for target in graph.get(node, ()):
            # a package and its own modules (viz and viz.grading) are not a circle
            if target in graph and not target.startswith(node + ".") \
                    and not node.startswith(target + "."):
                visit(target, [*path, node])

    for node in graph:
        visit(node, [])
    return found


@pytest.mark.parametrize("package", ["autograd", "nn", "viz"])
def test_no_module_imports_one_that_imports_it(package):
    """Issue #28: no import circles, not even through an import inside a function (nn's
    layers and image layers, viz's check and worksheet, the grader's results and reports
    each import one way; autograd's create_graph rules live in graph_vjps, which imports
    the table and the ops it builds gradients with, and nothing imports it but the package)."""
    assert _cycles(_module_imports(package)) == set()
