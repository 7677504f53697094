"""Student versions of the lab notebooks, made from the solutions by cell tags.

    python notebooks/student.py           write every student version
    python notebooks/student.py --check   exit 1 if any student version is out of date

In a solution notebook (``notebooks/**/NN_name.ipynb``):

- a code cell tagged ``solution`` becomes a ``# TODO`` cell: its leading comment lines (the
  question) are kept, the code is replaced by ``# TODO: your code here`` and ``name = None``
  for each answer the next code cell (its check) reads, so that the check says "not
  answered yet" instead of failing;
- a cell tagged ``hidden`` (an ``assert`` that only guards the notebook itself) is dropped;
- every output is cleared.

The student version goes beside it, in ``student/`` with the same file name. A notebook
with no cell tagged ``solution`` has no student version (it is not an exercise yet).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat

from viz.grading.exercises import answers

HERE = Path(__file__).resolve().parent


def solutions(root: Path = HERE) -> list[Path]:
    """Every solution notebook under ``root`` (not the student versions)."""
    return sorted(p for p in root.rglob("*.ipynb")
                  if "student" not in p.relative_to(root).parts[:-1]
                  and ".ipynb_checkpoints" not in p.parts)


def student_path(solution: Path) -> Path:
    return solution.parent / "student" / solution.name


TODO = {"en": "# TODO: your code here", "es": "# TODO: escriba aquí su código"}
SETUP = HERE / "source" / "setup_cell.py"  # the first code cell of every student version


def setup_cell(language: str) -> str:
    """The setup cell in ``language``: it checks that backprop-lens is installed where the
    notebook runs, and installs the wheel handed out beside it if not (the README's
    recipe for hosted notebooks). Written once, with «English|Español» phrases."""
    import re

    pick = 0 if language == "en" else 1
    text = SETUP.read_text(encoding="utf-8").rstrip("\n")
    return re.sub(r"«([^«»|]*)\|([^«»]*)»", lambda m: m.group(1 + pick), text)


def student_version(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The student version of a solution notebook, or None if it has no solution cell."""
    tags = [set(cell.get("metadata", {}).get("tags", [])) for cell in notebook.cells]
    if not any("solution" in t for t in tags):
        return None
    language = notebook.metadata.get("backprop_lens", {}).get("language", "en")
    out = nbformat.v4.new_notebook(metadata=notebook.metadata)
    setup = nbformat.v4.new_code_cell(setup_cell(language), metadata={"tags": ["setup"]})
    for k, (cell, cell_tags) in enumerate(zip(notebook.cells, tags)):
        if setup is not None and cell.cell_type == "code":  # before the first code cell
            out.cells.append(setup)
            setup = None
        if "hidden" in cell_tags:
            continue
        if cell.cell_type == "code" and "solution" in cell_tags:
            question = []
            for line in cell.source.splitlines():
                if not line.startswith("#"):
                    break
                question.append(line)
            check = next((c.source for c, t in zip(notebook.cells[k + 1:], tags[k + 1:])
                          if c.cell_type == "code" and "hidden" not in t), "")
            names = answers(cell.source, [check])
            blanks = [f"{name} = None" for name in names]
            source = "\n".join([*question, TODO[language], *blanks])
            metadata = {"tags": ["todo"]}
            if "backprop_lens" in cell.metadata:  # the grader's id, points and answer names
                metadata["backprop_lens"] = {**cell.metadata["backprop_lens"], "answers": names}
            out.cells.append(nbformat.v4.new_code_cell(source, metadata=metadata))
        elif cell.cell_type == "code":
            out.cells.append(nbformat.v4.new_code_cell(cell.source, metadata=_kept(cell)))
        else:
            out.cells.append(nbformat.v4.new_markdown_cell(cell.source, metadata=_kept(cell)))
    return out


def _kept(cell: nbformat.NotebookNode) -> dict:
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t not in ("solution",)]
    kept = {"tags": tags} if tags else {}
    if "backprop_lens" in cell.get("metadata", {}):  # a check cell's exercise id
        kept["backprop_lens"] = cell.metadata["backprop_lens"]
    return kept


def _text(notebook: nbformat.NotebookNode) -> str:
    """A notebook as it is written to disk (cell ids removed: they are random)."""
    copy = json.loads(nbformat.writes(notebook))
    for cell in copy.get("cells", []):
        cell.pop("id", None)
    return json.dumps(copy, indent=1, sort_keys=True, ensure_ascii=False)


def main(argv: list[str], root: Path = HERE) -> int:
    check = "--check" in argv
    stale, made = [], []
    for solution in solutions(root):
        version = student_version(nbformat.read(solution, as_version=4))
        target = student_path(solution)
        if version is None:
            if target.exists():
                stale.append(f"{target.relative_to(root)} (its solution has no solution cell)")
            continue
        text = _text(version)
        if target.exists() and _text(nbformat.read(target, as_version=4)) == text:
            continue
        if check:
            stale.append(str(target.relative_to(root)))
        else:
            target.parent.mkdir(exist_ok=True)
            nbformat.write(version, target)
            made.append(str(target.relative_to(root)))
    for line in made:
        print(f"wrote {line}")
    if check and stale:
        print("out of date (run ./dev notebooks): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
