"""The solution notebook run once in its own kernel, checking every student's answers at
each exercise's check cell (see :mod:`.evaluate`): the verdicts come from the teacher's
code and the library, with the students' answers entering only as data."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from .exercises import Exercise, tag
from .kernel import Kernel

EVALUATE = '''import viz.grading.evaluate as _backprop_lens_evaluate
try:
    _backprop_lens_evaluate.evaluate_file({request!r}, {result!r}, globals())
finally:
    del _backprop_lens_evaluate
'''


class SolutionFailed(RuntimeError):
    """The solution notebook itself failed (the message names the cell and the error)."""


def verdicts(solution: Any, exercises: list[Exercise], answers: dict[str, dict[str, str]],
             timeout: float, memory: int | None, progress: Any = None) -> dict[str, dict]:
    """Each exercise's verdict for each student: ``answers[exercise][student]`` is their
    answers' ``plain`` text; returns ``{exercise: {student: verdict}}``."""
    ids = {e.id: e for e in exercises}
    out: dict[str, dict] = {e.id: {} for e in exercises}
    last = max(k for k, c in enumerate(solution["cells"]) if tag(c, "check") in ids)
    with tempfile.TemporaryDirectory(prefix="bpl-reference-") as folder, \
            Kernel(memory_mb=None, folder=Path(folder), cpu_seconds=10 ** 6) as kernel:
        for k, cell in enumerate(solution["cells"][:last + 1]):
            if cell.get("cell_type") != "code":
                continue
            checked = tag(cell, "check")
            if checked in ids and answers.get(checked):
                request, result = Path(folder) / "request.json", Path(folder) / "result.json"
                request.write_text(json.dumps({
                    "check": cell["source"], "names": list(ids[checked].answers),
                    "answers": answers[checked], "timeout": timeout, "memory_mb": memory}))
                started = time.monotonic()
                n = len(answers[checked])
                ran = kernel.run(EVALUATE.format(request=str(request), result=str(result)),
                                 timeout=n * (timeout + 5) + 60)
                if ran.status != "ok":
                    raise SolutionFailed(f"checking the answers of {checked!r} failed: "
                                         f"{ran.error or ran.status}")
                out[checked] = json.loads(result.read_text(encoding="utf-8"))
                if progress is not None:
                    progress(checked, n, time.monotonic() - started)
            ran = kernel.run(cell["source"], timeout=3600)
            if ran.status != "ok":
                raise SolutionFailed(f"the solution notebook failed in cell {k + 1}: "
                                     f"{ran.error or ran.status}")
    return out
