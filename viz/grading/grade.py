"""``grade``: a whole class's notebooks graded, each exercise with its mistake named."""

from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from autograd.language import speaking, tr

from .exercises import exercises, read_notebook, settings
from .reference import verdicts
from .reports import write_reports
from .results import Grades, StudentGrade, Verdict
from .submission import Limits, Run, run_submission


def grade(solution: str | Path, submissions: Sequence[str | Path], out: str | Path | None = None,
          *, timeout: float = 60.0, memory: int | None = 1000, notebook_timeout: float = 600.0,
          jobs: int | None = None, progress: bool | Callable[[str], None] = True) -> Grades:
    """Grade each student's notebook against the solution.

    ``solution`` is the solution notebook of a lab (or its student version: the checks
    hold the answer key); ``submissions`` are the students' copies of the student version.
    Each runs in its own kernel and temporary folder, ``jobs`` at once (default: one per
    core), under ``timeout`` seconds per cell, ``memory`` MB and ``notebook_timeout``
    seconds in all; its answers are read out as data and checked against the solution in
    a kernel of the solution (never trusting what the notebook printed or what its checking
    functions returned). With ``out``, writes the gradebook, the feedback files and the
    class report there (see :func:`viz.grading.write_reports`).
    """
    who = "grade"
    _needs(who)
    started = time.monotonic()
    limits = _limits(who, timeout, memory, notebook_timeout)
    if jobs is None:
        jobs = max(1, min(os.cpu_count() or 1, len(submissions)))
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"{who}: jobs must be a whole number ≥ 1, got {jobs!r}")
    paths = [Path(p) for p in submissions]
    if not paths:
        raise ValueError(f"{who}: no submissions to grade; give one or more .ipynb files")
    jobs = min(jobs, len(paths))
    key = read_notebook(solution)
    found = exercises(key)
    if not found:
        raise ValueError(f"{who}: {Path(solution).name} has no exercise (no cell with "
                         "backprop_lens.exercise metadata); give a lab's solution notebook")
    meta = settings(key)
    lab, language = meta.get("lab"), meta.get("language", "en")
    if out is not None:
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise ValueError(f"{who}: out={str(out)!r} is a file; give a folder")
    say = _say(progress)
    names = _names(paths)
    runs: dict[str, Run] = {}
    with speaking(language):
        say(tr("running {n} notebooks, {jobs} at a time", n=len(paths), jobs=jobs))
    with tempfile.TemporaryDirectory(prefix="bpl-grade-") as folder:
        if jobs == 1:
            for path, name in zip(paths, names):
                runs[name] = run_submission(path, name, found, lab, limits, folder,
                                             language)
                say(_ran(runs, paths, name, language), step=True)
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                futures = {pool.submit(run_submission, path, name, found, lab, limits,
                                       folder, language): name
                           for path, name in zip(paths, names)}
                for future in as_completed(futures):
                    name = futures[future]
                    runs[name] = future.result()
                    say(_ran(runs, paths, name, language), step=True)
    answers = {e.id: {n: runs[n].captures[e.id].text for n in names
                      if runs[n].captures[e.id].text is not None} for e in found}
    with speaking(language):
        say(tr("checking the answers in the solution's kernel"))
    checked = verdicts(key, found, answers, timeout, memory)
    students = []
    for path, name in zip(paths, names):
        run = runs[name]
        by_id = {}
        for exercise in found:
            capture = run.captures[exercise.id]
            if capture.text is None:
                by_id[exercise.id] = Verdict("error", reason=capture.problem)
                continue
            v = checked[exercise.id][name]
            by_id[exercise.id] = Verdict(
                v["status"], exercise.points if v["status"] == "right" else 0.0,
                list(v["mistakes"]), v["reason"], v["reports"], v["diagrams"], v["printed"])
        students.append(StudentGrade(name, str(path), by_id, run.problem, run.seconds))
    grades = Grades(str(lab or ""), language, found, students, time.monotonic() - started)
    if out is not None:
        write_reports(grades, out)
        grades.seconds = time.monotonic() - started
    with speaking(language):
        report = tr("; report: {path}", path=out / "class_report.html") if out else ""
    say(grades.summary() + report)
    return grades


def _ran(runs: dict, paths: list, name: str, language: str) -> str:
    with speaking(language):
        return tr("[{k}/{n}] ran {name} ({seconds} s)", k=len(runs), n=len(paths), name=name,
                  seconds=f"{runs[name].seconds:.1f}")


def _needs(who: str) -> None:
    """The grade extra's packages, or an ImportError that says how to install them."""
    import importlib.util

    missing = [name for name in ("nbformat", "jupyter_client", "ipykernel")
               if importlib.util.find_spec(name) is None]
    if missing:
        raise ImportError(f"{who} needs {', '.join(missing)} to run notebooks; install them "
                          "with: pip install 'backprop-lens[grade]'")
    if os.name != "posix":
        raise OSError(f"{who} runs each notebook under limits and checks answers in forked "
                      "processes, which needs Linux or macOS")


def _limits(who: str, timeout: Any, memory: Any, notebook_timeout: Any) -> Limits:
    for name, value in (("timeout", timeout), ("notebook_timeout", notebook_timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 \
                or value == float("inf"):
            raise ValueError(f"{who}: {name} must be a number of seconds > 0, got {value!r}")
    if memory is not None and (isinstance(memory, bool) or not isinstance(memory, int)
                               or memory < 200):
        raise ValueError(f"{who}: memory must be a whole number of MB ≥ 200 (a kernel with "
                         f"numpy needs about 200), or None for no limit; got {memory!r}")
    return Limits(float(timeout), memory, float(notebook_timeout))


def _names(paths: list[Path]) -> list[str]:
    """Each submission's student: its file name without .ipynb, made unique."""
    names: list[str] = []
    for path in paths:
        name = re.sub(r"\.ipynb$", "", path.name) or "student"
        unique, k = name, 2
        while unique in names:
            unique, k = f"{name} ({k})", k + 1
        names.append(unique)
    return names


def _say(progress: bool | Callable[[str], None]) -> Callable[..., None]:
    if callable(progress):
        return lambda text, step=False: progress(text)
    if not progress:
        return lambda text, step=False: None
    import sys

    def say(text: str, step: bool = False) -> None:
        print(("  " if step else "") + text, file=sys.stderr, flush=True)

    return say
