"""The grader on a class of 30 lab-1 notebooks, against running the same notebooks.

The class is examples/make_class.py's: a right one, one for each classic mistake, a blank
one, the ones a grader must survive (a cell that raises, loops, allocates without bound,
prints megabytes, kills its kernel, fakes its checks; cells deleted or reordered; a text
file; another lab's notebook), and students mixing right answers and mistakes.

Goal (#25): grading takes no more than its kernels' own execution time plus 20% (the sum
of the time each submission's kernel ran, divided by the kernels run at once), and under 3
minutes. Peer: every notebook run top to bottom by nbclient (what nbgrader's autograde
does before it reads its tests), as many at once, with the same limit per cell; the
grader stops a notebook after its last exercise's answers are read, so it runs less.
Peak memory is the most the grader and its kernels held at once (their resident sets
summed, sampled every 0.1 s).

Run: ./dev bench   (or .venv/bin/python benchmarks/bench_grade.py)
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
spec = importlib.util.spec_from_file_location("make_class", ROOT / "examples" / "make_class.py")
make_class = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_class)

STUDENTS, TIMEOUT = 30, 10.0


class PeakMemory:
    """The largest sum of resident set sizes of this process and its descendants."""

    def __init__(self) -> None:
        self.peak, self._stop = 0, threading.Event()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_all(paths: list[Path], jobs: int) -> None:
    """Every notebook top to bottom, ``jobs`` at once, errors allowed (nbclient)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    def one(path: Path) -> None:
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception:
            return
        with tempfile.TemporaryDirectory() as folder:
            client = NotebookClient(notebook, timeout=TIMEOUT, allow_errors=True,
                                    kernel_name="python3",
                                    resources={"metadata": {"path": folder}})
            with contextlib.suppress(CellTimeoutError, DeadKernelError, RuntimeError):
                client.execute()

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, paths))


def main() -> None:
    from viz.grading import grade

    jobs = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        paths = make_class.make_class(Path(folder) / "class", STUDENTS)
        solution = make_class.SOLUTIONS["en"]
        with PeakMemory() as peer_memory:
            start = time.perf_counter()
            run_all(paths, jobs)
            peer = time.perf_counter() - start
        with PeakMemory() as memory:
            start = time.perf_counter()
            grades = grade(solution, paths, Path(folder) / "out", timeout=TIMEOUT,
                           progress=False)
            ours = time.perf_counter() - start
    print(f"grading {len(paths)} notebooks of lab 1, {jobs} at a time, {TIMEOUT:g} s per cell")
    print(f"{'':34} {'time':>8} {'peak memory':>12}")
    print(f"{'run every notebook (nbclient)':34} {peer:7.1f}s {peer_memory.peak / 1e6:10.0f}MB")
    print(f"{'python -m viz grade':34} {ours:7.1f}s {memory.peak / 1e6:10.0f}MB")
    kernels = sum(s.seconds for s in grades.students) / jobs
    label = "the grader's own kernels"
    print(f"{label:34} {kernels:7.1f}s   (their run times / {jobs})")
    ratio = ours / kernels
    print(f"grading / its kernels' own time: {ratio:.2f} (goal <= 1.20: "
          f"{'met' if ratio <= 1.2 else 'NOT met'}); grading / running every notebook: "
          f"{ours / peer:.2f}; under 3 minutes: {'met' if ours < 180 else 'NOT met'}")
    counts = {e.id: grades.counts(e.id) for e in grades.exercises}
    print("right/wrong/blank/error per exercise:",
          "; ".join(f"{k} {v['right']}/{v['wrong']}/{v['blank']}/{v['error']}"
                    for k, v in counts.items()))


if __name__ == "__main__":
    main()
