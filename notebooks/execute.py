"""Run the solution notebooks top to bottom with a real kernel and save them with their
outputs: python notebooks/execute.py [--new] [NAME ...]. ``--new`` runs only the notebooks
that have never been executed (what notebooks/build.py just wrote). The committed notebooks
show what the library draws today; tests/test_notebooks.py runs them the same way (without
saving)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def solution_notebooks() -> list[Path]:
    return sorted(p for lang in ("en", "es") for p in (HERE / lang).glob("*.ipynb"))


def executed(notebook: nbformat.NotebookNode) -> bool:
    return any(c.get("execution_count") for c in notebook.cells if c.cell_type == "code")


def main(argv: list[str]) -> None:
    new = "--new" in argv
    names = [a for a in argv if a != "--new"]
    for path in solution_notebooks():
        if names and not any(n in str(path.relative_to(HERE)) for n in names):
            continue
        notebook = nbformat.read(path, as_version=4)
        if new and executed(notebook):
            continue
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(notebook, path)
        print(f"executed {path.relative_to(HERE)}")


if __name__ == "__main__":
    main(sys.argv[1:])
