"""The set-partitioning IP's surroundings: native solver output kept off the terminal."""

from __future__ import annotations

import os

import pytest

from regionopt.solve.cg.ip import native_stdout_silenced


def test_native_writes_inside_are_dropped_and_output_after_is_kept(
    capfd: pytest.CaptureFixture[str],
) -> None:
    os.write(1, b"before\n")
    with native_stdout_silenced():
        os.write(1, b"HighsMipSolverData debug line\n")
    os.write(1, b"after\n")
    assert capfd.readouterr().out == "before\nafter\n"
    # Standard output is restored when the block raises, too.
    with pytest.raises(RuntimeError), native_stdout_silenced():
        raise RuntimeError
    os.write(1, b"still here\n")
    assert capfd.readouterr().out == "still here\n"
