"""One student's notebook run apart, and each exercise's answers read out as data.

Cells run in the submission's own order, each in a sandboxed :class:`~.kernel.Kernel`.
An exercise is found by its cells' metadata, wherever the student moved it; its answers
are read just before its check cell runs (what the student's own check saw), or just
after the exercise cell if no check cell follows it (deleted, or moved above it), or at
the end if both cells were deleted. The
run stops after the last answer is read: later cells cannot change a grade.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograd.language import speaking, tr

from .exercises import Exercise, NotANotebook, read_notebook, settings, tag
from .kernel import Kernel

PLAIN = Path(__file__).with_name("plain.py")


@dataclass
class Limits:
    """The limits a submission runs under (the command's options of the same names)."""

    timeout: float = 60.0  # seconds of wall time per cell
    memory: int | None = 1000  # MB the kernel may allocate (None: no limit)
    notebook_timeout: float = 600.0  # seconds for the whole notebook


@dataclass
class Capture:
    """One exercise's answers from one submission: ``text`` is ``plain``'s JSON when they
    were read; otherwise ``problem`` says why not (the exercise is then an error)."""

    text: str | None = None
    problem: str = ""


@dataclass
class Run:
    """What running one submission gave: the answers by exercise id, the problem that
    stopped it (if any), and what it cost."""

    student: str
    captures: dict[str, Capture] = field(default_factory=dict)
    problem: str = ""
    seconds: float = 0.0
    output_bytes: int = 0


def run_submission(path: str | Path, student: str, exercises: list[Exercise], lab: str | None,
                   limits: Limits, folder: str | Path | None = None,
                   language: str = "en") -> Run:
    """Run one student's notebook under ``limits`` and read out every exercise's answers;
    what went wrong is said in ``language``."""
    with speaking(language):
        return _run(path, student, exercises, lab, limits, folder)


def _run(path: str | Path, student: str, exercises: list[Exercise], lab: str | None,
         limits: Limits, folder: str | Path | None) -> Run:
    start = time.monotonic()
    run = Run(student)
    try:
        notebook = read_notebook(path)
    except NotANotebook as error:
        return _all(run, exercises, str(error))
    theirs = settings(notebook).get("lab")
    if lab is not None and isinstance(theirs, str) and theirs != lab:
        return _all(run, exercises, tr("this is the notebook of lab {theirs}, not of lab {lab}",
                                       theirs=theirs, lab=lab))
    cells = [(k, c) for k, c in enumerate(notebook["cells"]) if c.get("cell_type") == "code"]
    if not any(tag(c, "exercise") or tag(c, "check") for _, c in cells):
        return _all(run, exercises, tr("no exercise of lab {lab} in this notebook (a notebook "
                                       "of another lab, or a new one)", lab=lab or "?"))
    before: dict[int, list[Exercise]] = {}
    after: dict[int, list[Exercise]] = {}
    at_end: list[Exercise] = []
    for exercise in exercises:
        own = [k for k, c in cells if tag(c, "exercise") == exercise.id]
        checks = [k for k, c in cells if tag(c, "check") == exercise.id
                  and (not own or k > own[0])]
        if checks:
            before.setdefault(checks[0], []).append(exercise)
        elif own:
            after.setdefault(own[-1], []).append(exercise)
        else:
            at_end.append(exercise)
    last = max([*before, *after], default=-1) if not at_end else len(notebook["cells"])
    marker = secrets.token_hex(16)
    deadline = start + limits.notebook_timeout
    raised: dict[str, str] = {}  # exercise id -> how its own cell failed
    kernel = None
    try:
        kernel = Kernel(memory_mb=limits.memory, folder=folder,
                        cpu_seconds=int(limits.notebook_timeout) + 60)
        for k, cell in cells:
            if k > last:
                break
            for exercise in before.get(k, []):
                run.captures[exercise.id] = _capture(kernel, exercise, marker, limits,
                                                     deadline, raised)
            if time.monotonic() >= deadline:
                run.problem = tr("stopped at cell {cell}: the notebook ran longer than "
                                 "{seconds} s", cell=k + 1, seconds=f"{limits.notebook_timeout:g}")
                break
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            remaining = deadline - time.monotonic()
            ran = kernel.run(source, min(limits.timeout, remaining))
            run.output_bytes += ran.output_bytes
            own = tag(cell, "exercise")
            if ran.status == "timeout" and remaining < limits.timeout:  # the notebook's limit
                run.problem = tr("stopped at cell {cell}: the notebook ran longer than "
                                 "{seconds} s", cell=k + 1, seconds=f"{limits.notebook_timeout:g}")
                break
            if ran.status == "error" and own:
                raised[own] = tr("the exercise's cell (cell {cell}) raised {error}",
                                 cell=k + 1, error=ran.error)
            elif ran.status == "timeout":
                message = tr("cell {cell} ran longer than {seconds} s and was stopped",
                             cell=k + 1, seconds=f"{limits.timeout:g}")
                if own:
                    raised[own] = message
                if not kernel.alive:
                    run.problem = message + tr(" (the kernel did not stop: it was killed)")
                    break
            elif ran.status == "died":
                run.problem = tr("the kernel died in cell {cell} (a crash, or the CPU-time "
                                 "limit)", cell=k + 1)
                break
            for exercise in after.get(k, []):
                run.captures[exercise.id] = _capture(kernel, exercise, marker, limits,
                                                     deadline, raised)
        if not run.problem:
            for exercise in at_end:
                run.captures[exercise.id] = _capture(kernel, exercise, marker, limits,
                                                     deadline, raised)
    except RuntimeError as error:  # the kernel did not start
        run.problem = tr("the kernel did not start ({error})", error=error)
    finally:
        if kernel is not None:
            kernel.close()
    for exercise in exercises:
        run.captures.setdefault(exercise.id, Capture(problem=tr("not run: {problem}",
                                                                problem=run.problem)))
    run.seconds = time.monotonic() - start
    return run


def _capture(kernel: Kernel, exercise: Exercise, marker: str, limits: Limits,
             deadline: float, raised: dict[str, str]) -> Capture:
    """Read ``exercise``'s answers out of the kernel as ``plain`` JSON."""
    if exercise.id in raised:
        return Capture(problem=raised[exercise.id])
    code = CAPTURE.format(source=PLAIN.read_text(encoding="utf-8"), names=list(exercise.answers),
                          marker=marker)
    ran = kernel.run(code, max(1.0, min(limits.timeout, deadline - time.monotonic())))
    if ran.status != "ok":
        why = ran.error if ran.status == "error" else ran.status
        return Capture(problem=tr("the answers could not be read ({why})", why=why))
    _head, found, rest = ran.printed.partition(marker)
    text, closed, _ = rest.partition(marker)
    if not found or not closed:
        return Capture(problem=tr("the answers could not be read (the notebook changed how "
                                  "Python prints)"))
    return Capture(text=text)


# Runs in the student's kernel: plain.py's source (so that replaced library modules cannot
# change it) turns the answers into JSON between two random markers; no name is left behind.
CAPTURE = '''def _backprop_lens_capture():
    found = {{"__name__": "backprop_lens_plain"}}
    exec(compile({source!r}, "backprop_lens_plain", "exec"), found)
    user = globals()
    text = found["dumps"]({{n: user[n] for n in {names!r} if n in user}})
    print({marker!r} + text + {marker!r})
try:
    _backprop_lens_capture()
finally:
    del _backprop_lens_capture
'''


def _all(run: Run, exercises: list[Exercise], problem: str) -> Run:
    run.problem = problem
    run.captures = {e.id: Capture(problem=problem) for e in exercises}
    return run
