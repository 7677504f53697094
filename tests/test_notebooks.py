"""Every lab notebook, in Spanish and in English, runs from top to bottom with a real Jupyter
kernel. The notebooks check the labs' numbers (the student's answers with viz.check, and
hidden asserts that guard the notebook itself), so a notebook that runs is a notebook that
is right. A student version runs too: its blanks are reported as "not answered yet"."""

import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).parent.parent / "notebooks"
NOTEBOOKS = sorted(p for lang in ("en", "es") for p in (ROOT / lang).glob("*.ipynb"))
spec = importlib.util.spec_from_file_location("build", ROOT / "build.py")
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)


def test_every_lab_is_there_in_both_languages():
    for lang in ("en", "es"):
        labs = sorted(p.stem[:2] for p in (ROOT / lang).glob("*.ipynb"))
        assert labs == ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"], lang
    assert len({p.stem for p in NOTEBOOKS}) == 20  # each language has its own file names


def test_the_notebooks_are_up_to_date_with_their_bilingual_sources():
    assert build.main(["--check"]) == 0


def test_the_languages_share_their_code_and_differ_in_their_prose():
    for source in build.sources():
        en, es = build.notebook(source, "en"), build.notebook(source, "es")
        assert [c.cell_type for c in en.cells] == [c.cell_type for c in es.cells]
        prose = [(a.source, b.source) for a, b in zip(en.cells, es.cells)
                 if a.cell_type == "markdown"]
        assert all(a != b for a, b in prose if a.startswith("#") and len(a) > 80), source
        assert es.metadata["backprop_lens"]["language"] == "es"
        assert 'set_language("es")' in es.cells[1].source + es.cells[0].source


def _run(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    return notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.stem}" for p in NOTEBOOKS])
def test_notebook_runs(path):
    notebook = _run(path)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors


def test_a_student_version_runs_and_says_what_is_not_answered():
    notebook = _run(ROOT / "es" / "student" / "05_grafos_computacionales.ipynb")
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                   for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "sin responder todavía" in text and "respuestas correctas" in text
