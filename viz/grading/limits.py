"""Start a program under resource limits: ``python limits.py --memory MB --cpu S --files MB
-- PROGRAM ARGS...``. The grader starts each student's kernel through it (POSIX only).

Run as a script, not imported through the package (importing ``viz`` would load numpy and
matplotlib first): this file needs the standard library only.
"""

import os
import resource
import sys


def apply(memory_mb: int, cpu_seconds: int, file_mb: int) -> None:
    """Limit this process and its children: address space (a bigger allocation raises
    MemoryError), CPU time (SIGXCPU, then SIGKILL), and the size of any file written."""
    mb = 1024 * 1024
    # Linux counts allocations in RLIMIT_DATA (a bare kernel: 135 MB); the address space
    # (RLIMIT_AS, 800 MB of mostly reserved thread stacks) is the limit elsewhere.
    memory = resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS
    for limit, value in ((memory, memory_mb * mb),
                         (resource.RLIMIT_CPU, cpu_seconds),
                         (resource.RLIMIT_FSIZE, file_mb * mb)):
        _, hard = resource.getrlimit(limit)
        if limit == resource.RLIMIT_CPU:  # the hard limit kills 5 s after the soft one warns
            hard = value + 5 if hard == resource.RLIM_INFINITY else min(hard, value + 5)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit, (value, hard))


def main(argv: list[str]) -> None:
    split = argv.index("--")
    options = dict(zip(argv[:split:2], argv[1:split:2]))
    apply(int(options["--memory"]), int(options["--cpu"]), int(options["--files"]))
    os.execvp(argv[split + 1], argv[split + 1:])


if __name__ == "__main__":
    main(sys.argv[1:])
