"""A Jupyter kernel in its own process, folder and limits, that runs one cell at a time.

The grader runs every submission in one of these: a temporary working directory, a
memory limit (address space), a CPU-time backstop, a cap on the size of files written,
IPC sockets in that directory (no TCP port), and a wall-time limit per cell after which
the kernel is interrupted, and killed (with its process group) if it does not stop.
Outputs are counted, not kept: only what a cell prints between the grader's markers is
read.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LIMITS = Path(__file__).with_name("limits.py")
KEPT_OUTPUT = 2_000_000  # characters of stream output kept from one cell (the answers)


@dataclass
class Ran:
    """What running one cell did: ``status`` is "ok", "error" (with ``error``, the
    exception's name and message), "timeout" or "died"; ``printed`` is the first 2 MB
    of its standard output; ``output_bytes`` counts everything it sent."""

    status: str
    error: str = ""
    printed: str = ""
    output_bytes: int = 0


class Kernel:
    """A sandboxed kernel: ``with Kernel(memory_mb=..., cpu_seconds=...) as k: k.run(code)``."""

    def __init__(self, memory_mb: int | None = 1000, cpu_seconds: int = 900,
                 file_mb: int = 100, folder: Path | None = None) -> None:
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        self.folder = Path(tempfile.mkdtemp(prefix="bpl-kernel-", dir=folder))
        specs = self.folder / ".kernels"
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        if memory_mb is not None and os.name == "posix":
            argv = [sys.executable, str(LIMITS), "--memory", str(int(memory_mb)),
                    "--cpu", str(int(cpu_seconds)), "--files", str(int(file_mb)), "--", *argv]
        spec = specs / "graded"
        spec.mkdir(parents=True)
        import json

        (spec / "kernel.json").write_text(json.dumps(
            {"argv": argv, "display_name": "graded", "language": "python"}))
        manager = KernelSpecManager(kernel_dirs=[str(specs)], ensure_native_kernel=False)
        self.manager = KernelManager(kernel_name="graded", kernel_spec_manager=manager,
                                     transport="ipc", ip=str(self.folder / ".ipc"))
        self.manager.connection_file = str(self.folder / ".connection.json")
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "IPYTHONDIR": str(self.folder / ".ipython"),
               "MPLBACKEND": "module://matplotlib_inline.backend_inline",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        self.manager.start_kernel(cwd=str(self.folder), env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=60)
        except RuntimeError:
            self.close()
            raise
        self.alive = True

    def run(self, code: str, timeout: float) -> Ran:
        """Run ``code`` as one cell, for at most ``timeout`` seconds of wall time."""
        if not self.alive:
            return Ran("died")
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False,
                                     stop_on_error=False)
        deadline = time.monotonic() + timeout
        ran = Ran("ok")
        printed: list[str] = []
        kept = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                ran.status = "timeout"
                self._stop(msg_id)
                return ran
            try:
                msg = self.client.get_iopub_msg(timeout=min(0.5, remaining))
            except queue.Empty:
                if not self.manager.is_alive():
                    self.alive = False
                    ran.status = "died"
                    return ran
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                text = content.get("text", "")
                ran.output_bytes += len(text)
                if content.get("name") == "stdout" and kept < KEPT_OUTPUT:
                    printed.append(text[:KEPT_OUTPUT - kept])
                    kept += len(printed[-1])
            elif kind in ("display_data", "execute_result", "update_display_data"):
                ran.output_bytes += sum(len(str(v)) for v in content.get("data", {}).values())
            elif kind == "error":
                ran.status = "error"
                ran.error = f"{content.get('ename', '')}: {content.get('evalue', '')}"[:500]
            elif kind == "status" and content.get("execution_state") == "idle":
                ran.printed = "".join(printed)
                return ran

    def _stop(self, msg_id: str) -> None:
        """Interrupt a cell that ran too long; kill the kernel if it does not stop in 5 s
        (a loop that catches KeyboardInterrupt, or one inside C code)."""
        with contextlib.suppress(Exception):
            self.manager.interrupt_kernel()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                continue
            if (msg.get("parent_header", {}).get("msg_id") == msg_id
                    and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"):
                return
        self.alive = False
        self.manager.shutdown_kernel(now=True)

    def close(self) -> None:
        """Stop the kernel (and its process group) and remove its folder."""
        with contextlib.suppress(Exception):
            self.client.stop_channels()
        try:
            if self.manager.has_kernel:
                self.manager.shutdown_kernel(now=True)
        except Exception:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
