"""Run a Python program and write its own peak resident memory (MiB) to a file:
`python -m bench.peak OUT.txt PROGRAM [ARG...]` (PROGRAM a script path, e.g. the `rapport`
console script, or `-m MODULE`).

Why not the parent's `os.wait4` or `getrusage`: on Linux a forked child starts with its
parent's resident pages counted, and `ru_maxrss` keeps that high-water mark across `exec`, so
a bench process holding a million-row set-up made every child look as big as itself. VmHWM in
/proc/self/status belongs to the program's own address space only.
"""

from __future__ import annotations

import runpy
import sys


def _peak_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    out, *program = sys.argv[1:]
    code = 0
    try:
        if program[0] == "-m":
            sys.argv = program[1:]
            runpy.run_module(program[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = program
            runpy.run_path(program[0], run_name="__main__")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        with open(out, "w", encoding="ascii") as handle:
            handle.write(f"{_peak_mib():.1f}\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
