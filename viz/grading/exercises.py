"""The exercises of a lab notebook, read from its cells' metadata, never from positions.

``notebooks/build.py`` writes, and ``notebooks/student.py`` keeps, two cell-metadata
fields under ``backprop_lens``:

- ``exercise``: on the exercise cell (tagged ``solution`` in a solution notebook, ``todo``
  in a student version): the exercise's id, with ``points`` (a number > 0, default 1) and
  ``answers`` (the names the check reads; computed from the solution when absent);
- ``check``: on the cell that checks it, the same id.

The notebook's own metadata names its lab (``backprop_lens.lab``) and language.
"""

from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd.language import tr

MAX_NOTEBOOK_BYTES = 20_000_000  # a lab notebook with outputs is under 2 MB
EXERCISE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


class NotANotebook(ValueError):
    """A file that cannot be read as a Jupyter notebook (the message says why)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id, its question (the exercise cell's leading comment), its points,
    the names its answers are read from, and the source of the cell that checks them."""

    id: str
    question: str
    points: float
    answers: tuple[str, ...]
    check: str = field(repr=False)


def read_notebook(path: str | Path) -> Any:
    """``path`` as an nbformat v4 notebook, or :class:`NotANotebook` saying why not.
    Bounded: a file over 20 MB is refused unread."""
    import nbformat

    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise NotANotebook(f"cannot read {path.name}: {error.strerror}") from None
    if size > MAX_NOTEBOOK_BYTES:
        raise NotANotebook(f"{path.name} is {size / 1e6:.0f} MB; a notebook is read up to "
                           f"{MAX_NOTEBOOK_BYTES / 1e6:.0f} MB")
    try:
        text = path.read_text(encoding="utf-8")
        notebook = nbformat.reads(text, as_version=4)
    except UnicodeDecodeError:
        raise NotANotebook(f"{path.name} is not text (a notebook is JSON)") from None
    except (json.JSONDecodeError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise NotANotebook(tr("{name} is not a Jupyter notebook ({why})", name=path.name,
                              why=_short(error))) from None
    if not isinstance(notebook.get("cells"), list):
        raise NotANotebook(f"{path.name} is not a Jupyter notebook (no list of cells)")
    return notebook


def settings(notebook: Any) -> dict:
    """The notebook's ``backprop_lens`` metadata (lab and language), {} if none."""
    found = notebook.get("metadata", {}).get("backprop_lens", {})
    return found if isinstance(found, dict) else {}


def tag(cell: Any, key: str) -> str | None:
    """The exercise id a cell carries under ``backprop_lens.<key>``, if any."""
    meta = cell.get("metadata", {}).get("backprop_lens", {})
    value = meta.get(key) if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


def exercises(notebook: Any) -> list[Exercise]:
    """The exercises of a solution notebook (or of its student version), in order.

    Raises ValueError naming the problem if an exercise has no check cell, two exercises
    share an id, or points are not a number > 0."""
    cells = notebook["cells"]
    found: list[Exercise] = []
    for k, cell in enumerate(cells):
        exercise_id = tag(cell, "exercise")
        if exercise_id is None or cell.get("cell_type") != "code":
            continue
        if not EXERCISE_ID.match(exercise_id):
            raise ValueError(f"exercises: exercise id {exercise_id!r} (cell {k}) is not a short "
                             "lower-case name (letters, digits, . _ -)")
        if any(e.id == exercise_id for e in found):
            raise ValueError(f"exercises: two exercises have the id {exercise_id!r}")
        check = next((c for c in cells[k + 1:] if tag(c, "check") == exercise_id), None)
        if check is None:
            raise ValueError(f"exercises: exercise {exercise_id!r} has no cell with "
                             f"backprop_lens.check = {exercise_id!r}")
        meta = cell["metadata"]["backprop_lens"]
        points = meta.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, (int, float)) \
                or not math.isfinite(points) or points <= 0:
            raise ValueError(f"exercises: the points of {exercise_id!r} must be a number > 0, "
                             f"got {points!r}")
        names = meta.get("answers")
        if names is None:
            names = answers(cell["source"], [check["source"]])
        found.append(Exercise(exercise_id, question(cell["source"]), float(points),
                              tuple(names), check["source"]))
    return found


def question(source: str) -> str:
    """An exercise cell's leading comment lines, without the ``#``."""
    lines = []
    for line in source.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def answers(solution: str, later: list[str]) -> list[str]:
    """The names a solution cell defines that the ``later`` cells read: the student's
    answers (a student version leaves them ``None``; the grader reads them out)."""
    defined: list[str] = []
    for statement in ast.parse(solution).body:
        targets = []
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in getattr(statement, "targets", [getattr(statement, "target", None)]):
                targets.extend(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            targets.append(statement.name)
        defined.extend(t for t in targets if t not in defined)
    read = set()
    for source in later:
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics: not Python, and not reading answers
            continue
        read.update(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Load))
    return [name for name in defined if name in read]


def _short(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:200]
