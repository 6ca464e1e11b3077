"""Running a helper program (ffmpeg, the PDF page renderer) from a rendition process: with a
time limit, no standard input, and tied to its parent's life."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
from collections.abc import Sequence

_PR_SET_PDEATHSIG = 1


class HelperFailedError(Exception):
    """The helper ended with an error; ``output`` is what it said."""

    def __init__(self, returncode: int, output: str) -> None:
        self.returncode = returncode
        self.output = output
        super().__init__(f"exit status {returncode}: {output[-500:]}")


class HelperTimeoutError(Exception):
    """The helper ran past its time limit and was killed."""


def _die_with_parent() -> None:
    """Linux: the helper gets SIGKILL when the rendition process that started it dies (killed
    mid-rendition), instead of rendering on for nobody."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def run_helper(args: Sequence[str], timeout_s: float, *, check: bool = True) -> str:
    """Run ``args`` to its end or ``timeout_s`` (then it is killed); what it wrote to stderr.
    Its stdout is discarded: helpers here write their results to files."""
    try:
        done = subprocess.run(
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout_s,
            # A rendition process runs one thread, so preexec_fn is safe here.
            preexec_fn=_die_with_parent,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise HelperTimeoutError(f"took longer than its limit of {timeout_s:g} s") from None
    output = done.stderr.decode("utf-8", "replace")
    if check and done.returncode != 0:
        raise HelperFailedError(done.returncode, output)
    return output
