"""Issue #14 (first part): student versions are made from the solutions by cell tags, and
the committed ones are up to date (the suite runs ./dev notebooks --check's code)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("student", ROOT / "notebooks" / "student.py")
student = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student)


def _lab(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Ejercicio 1.1"),
        nbformat.v4.new_code_cell("# Compute dL/dw by hand.\ngrad_w = 2 * 3.0",
                                  metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("assert grad_w == 6.0", metadata={"tags": ["hidden"]}),
        nbformat.v4.new_code_cell("viz.check(L, grads={'w': grad_w})"),
    ]
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="check: 1 of 1")]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_a_student_version_keeps_the_question_and_drops_answers_and_hidden_cells(tmp_path):
    _lab(tmp_path / "es" / "01_neurona.ipynb")
    assert student.main([], root=tmp_path) == 0
    made = nbformat.read(tmp_path / "es" / "student" / "01_neurona.ipynb", as_version=4)
    sources = [c.source for c in made.cells]
    assert sources == ["## Ejercicio 1.1", student.setup_cell("en"),
                       "# Compute dL/dw by hand.\n# TODO: your code here\ngrad_w = None",
                       "viz.check(L, grads={'w': grad_w})"]
    assert "2 * 3.0" not in str(made) and all(not c.get("outputs") for c in made.cells
                                              if c.cell_type == "code")


def test_check_finds_an_out_of_date_student_version(tmp_path, capsys):
    _lab(tmp_path / "en" / "01_neuron.ipynb")
    assert student.main(["--check"], root=tmp_path) == 1  # not made yet
    assert student.main([], root=tmp_path) == 0
    assert student.main(["--check"], root=tmp_path) == 0
    nb = nbformat.read(tmp_path / "en" / "01_neuron.ipynb", as_version=4)
    nb.cells[0].source = "## Exercise 1.1 (changed)"
    nbformat.write(nb, tmp_path / "en" / "01_neuron.ipynb")
    assert student.main(["--check"], root=tmp_path) == 1
    assert "en/student/01_neuron.ipynb" in capsys.readouterr().err


def test_the_committed_student_versions_are_up_to_date():
    assert student.main(["--check"]) == 0


def test_answers_are_the_names_a_later_cell_reads():
    solution = "import math\nhelper = 2\nw, (b, c) = 1, (2, 3)\ndef f(x):\n    return x\n"
    assert student.answers(solution, ["print(w, c, f(1))", "%matplotlib inline"]) == \
        ["w", "c", "f"]


def test_a_spanish_notebook_gets_a_spanish_todo(tmp_path):
    _lab(tmp_path / "es" / "01_neurona.ipynb")
    nb = nbformat.read(tmp_path / "es" / "01_neurona.ipynb", as_version=4)
    nb.metadata["backprop_lens"] = {"language": "es"}
    made = student.student_version(nb)
    assert made.cells[1].source == student.setup_cell("es")
    assert made.cells[2].source.splitlines()[1] == "# TODO: escriba aquí su código"


def test_every_student_notebook_opens_with_the_setup_cell_in_its_language():
    versions = sorted((ROOT / "notebooks").rglob("student/*.ipynb"))
    for path in versions:
        made = nbformat.read(path, as_version=4)
        first = next(c for c in made.cells if c.cell_type == "code")
        language = "es" if "/es/" in str(path) else "en"
        assert first.source == student.setup_cell(language), path
        assert "backprop_lens-*.whl" in first.source


def test_no_committed_student_notebook_keeps_a_solution():
    """A todo cell holds only the question (comments), the TODO line and blanks (None)."""
    versions = [p for p in (ROOT / "notebooks").rglob("student/*.ipynb")]
    assert versions, "no student notebook was made"
    for path in versions:
        solution = nbformat.read(path.parent.parent / path.name, as_version=4)
        made = nbformat.read(path, as_version=4)
        todos = [c for c in made.cells if "todo" in c.metadata.get("tags", [])]
        assert todos, f"{path} has no exercise"
        for cell in todos:
            for line in cell.source.splitlines():
                assert line.startswith("#") or line.endswith(" = None"), (path, line)
        assert all(not c.get("outputs") for c in made.cells if c.cell_type == "code")
        hidden = [c.source for c in solution.cells if "hidden" in c.metadata.get("tags", [])]
        assert not set(hidden) & {c.source for c in made.cells}, path


def test_the_bilingual_format_picks_each_language(tmp_path, monkeypatch):
    spec_b = importlib.util.spec_from_file_location("build", ROOT / "notebooks" / "build.py")
    build = importlib.util.module_from_spec(spec_b)
    spec_b.loader.exec_module(build)
    source = tmp_path / "source" / "09.lab"
    source.parent.mkdir()
    source.write_text("%% names 09_test 09_prueba\n%% md\n@en\n# Title\n@es\n# Título\n"
                      "%% code solution one points=2\n# «Exercise|Ejercicio»: x\n"
                      "x = 1  # «one|uno»\n%% code hidden\nassert x == 1\n%% code\nprint(x)\n",
                      encoding="utf-8")
    en, es = build.notebook(source, "en"), build.notebook(source, "es")
    assert [c.source for c in en.cells] == ["# Title", "# Exercise: x\nx = 1  # one",
                                            "assert x == 1", "print(x)"]
    assert [c.source for c in es.cells] == ["# Título", "# Ejercicio: x\nx = 1  # uno",
                                            "assert x == 1", "print(x)"]
    assert es.cells[1].metadata["tags"] == ["solution"]
    # the grader's metadata: the exercise's id and points, and its check (not the hidden cell)
    assert es.cells[1].metadata["backprop_lens"] == {"exercise": "one", "points": 2}
    assert "backprop_lens" not in es.cells[2].metadata
    assert es.cells[3].metadata["backprop_lens"] == {"check": "one"}
    assert es.metadata["backprop_lens"] == {"language": "es", "lab": "09"}
    made = student.student_version(es)
    todo = next(c for c in made.cells if "todo" in c.metadata.get("tags", []))
    assert todo.metadata["backprop_lens"] == {"exercise": "one", "points": 2, "answers": ["x"]}
    assert made.cells[-1].metadata["backprop_lens"] == {"check": "one"}
    for header, message in [("%% code solution", "a solution cell needs an exercise id"),
                            ("%% code solution one points=0", "expected points=N (N > 0), "
                                                               "got 'points=0'")]:
        source.write_text(f"%% names a b\n{header}\nx = 1\n", encoding="utf-8")
        with pytest.raises(build.SourceError, match=re.escape(f"09.lab:2: {message}")):
            build.parse(source)
    bad = tmp_path / "source" / "10.lab"
    bad.write_text("%% names a b\n%% markdown\n", encoding="utf-8")
    with pytest.raises(build.SourceError, match="10.lab:2: unknown cell header"):
        build.parse(bad)
