"""Verdicts on students' answers, made in the reference kernel (the solution's, never a
student's): for each student, the solution's check cell runs on their answers in a
forked copy of the kernel, so that no answer changes the state the next one is checked
in, and every report the check makes (``viz.check``, ``check_answer``, ``check_step``) is
read as data. POSIX only (``os.fork``)."""

from __future__ import annotations

import io
import json
import os
import resource
import select
import signal
import sys
import time
from typing import Any

from autograd import forward_order, zero_grad
from autograd.language import tr

from ..check import UNANSWERED, recording
from . import plain

MAX_PRINTED = 20_000  # characters of what the check printed, kept for the feedback
MAX_DIAGRAMS = 3  # per exercise and student: the reports with a wrong answer first


def evaluate_file(request: str, result: str, namespace: dict) -> None:
    """Read the request (JSON: the check's source, the answers' names, each student's
    answers as ``plain`` text, the limits), write each student's verdict to ``result``."""
    with open(request, encoding="utf-8") as file:
        asked = json.load(file)
    source = _python(asked["check"])
    verdicts = {}
    for student, text in asked["answers"].items():
        verdicts[student] = evaluate(source, asked["names"], text, namespace,
                                     asked["timeout"], asked.get("memory_mb"))
    with open(result, "w", encoding="utf-8") as file:
        json.dump(verdicts, file)


def evaluate(source: str, names: list[str], text: str, namespace: dict, timeout: float,
             memory_mb: int | None) -> dict:
    """One student's verdict: the check cell ``source`` run on their answers (``text``)
    in a fork of this process, for at most ``timeout`` seconds."""
    try:
        answers = plain.loads(text)
    except plain.Unreadable as error:
        return _verdict("error", reason=f"unreadable answers: {error}")
    given = {name: answers.get(name) for name in names}
    undefined = [name for name in names if name not in answers]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: check, report, and leave without cleaning up the parent's
        os.close(read)
        try:
            data = json.dumps(_check_in_child(source, given, namespace, memory_mb))
        except BaseException as error:
            data = json.dumps(_verdict("error", reason=f"{type(error).__name__}: {error}"))
        with os.fdopen(write, "wb") as out:
            out.write(data.encode("utf-8", "replace"))
        os._exit(0)
    os.close(write)
    chunks, deadline = [], time.monotonic() + timeout
    with os.fdopen(read, "rb") as pipe:
        while True:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([pipe], [], [], max(remaining, 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return _verdict("error", reason=tr("checking took longer than {seconds} s",
                                                   seconds=f"{timeout:g}"))
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    os.waitpid(pid, 0)
    try:
        verdict = json.loads(b"".join(chunks).decode("utf-8"))
    except ValueError:
        return _verdict("error", reason=tr("checking stopped without a verdict (a crash, or "
                                           "the memory limit)"))
    if undefined and verdict["status"] == "blank":
        verdict["reason"] = tr("not defined: {names}", names=", ".join(undefined))
    return verdict


def _check_in_child(source: str, given: dict, namespace: dict, memory_mb: int | None) -> dict:
    if memory_mb:
        used = _data_bytes()
        limit = resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS
        resource.setrlimit(limit, (used + memory_mb * 1024 * 1024,
                                   resource.getrlimit(limit)[1]))
    printed = io.StringIO()
    sys.stdout = sys.stderr = printed
    namespace.update(given)
    namespace["display"] = lambda *args, **kwargs: None  # nothing reaches the notebook
    error = None
    with recording() as reports:
        try:
            exec(compile(source, "<check>", "exec"), namespace)  # the solution's own cell
        except Exception as raised:
            error = f"{type(raised).__name__}: {str(raised)[:300]}"
    text = printed.getvalue()[:MAX_PRINTED]
    blank = all(value is None for value in given.values())
    if error is not None:
        if blank:
            return _verdict("blank", printed=text)
        return _verdict("wrong", mistakes=["unusable"], printed=text,
                        reason=tr("the check could not use this answer ({error})",
                                  error=error))
    rows = [row for report in reports for row in report.rows]
    if not rows:
        return _verdict("blank" if blank else "error", printed=text,
                        reason="" if blank else tr("the solution's check made no verdict"))
    if all(row.mistake == UNANSWERED for row in rows):
        status = "blank"
    elif all(row.ok for row in rows):
        status = "right"
    else:
        status = "wrong"
    mistakes: list[str] = []
    for row in rows:
        if not row.ok and row.mistake and row.mistake not in mistakes:
            mistakes.append(row.mistake)
    if status == "wrong":
        mistakes = [m for m in mistakes if m != UNANSWERED] or [UNANSWERED]
    from ..check import as_text

    return _verdict(
        status, mistakes=mistakes if status == "wrong" else [], printed=text,
        reports=[{"summary": report.summary(),
                  "rows": [{"label": str(r.label), "quantity": r.quantity,
                            "given": as_text(r.given)[:200], "expected": as_text(r.expected)[:200],
                            "ok": bool(r.ok), "mistake": r.mistake, "verdict": r.verdict,
                            "explanation": r.explanation} for r in report.rows]}
                 for report in reports],
        diagrams=_diagrams(reports) if status == "wrong" else [])


def _diagrams(reports: list) -> list[str]:
    """SVGs of the graphs with the student's answers marked, as ``viz.check`` draws them:
    first the reports with a wrong answer."""
    from ..diagram import draw_graph
    from ..render import render_bytes

    wrong = [r for r in reports if r.root is not None
             and any(not row.ok and row.mistake != UNANSWERED for row in r.rows)]
    svgs = []
    for report in wrong[:MAX_DIAGRAMS]:
        try:
            zero_grad(forward_order(report.root))
            report.root.backward()
            svgs.append(render_bytes(draw_graph(report.root, check=report), "svg")
                        .decode("utf-8"))
        except Exception:
            continue
    return svgs


def _verdict(status: str, **found: Any) -> dict:
    return {"status": status, "mistakes": [], "reason": "", "printed": "", "reports": [],
            "diagrams": [], **found}


def _python(source: str) -> str:
    """A cell's source as Python (IPython's magics translated), as the kernel runs it."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.transform_cell(source) if shell is not None else source


def _data_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
