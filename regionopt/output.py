"""Writing outputs so that nothing is half-written: stage beside the target, then rename.

A command that writes a directory (``propose --out``, ``whatif --out``) or a single file
(``map --out x.html``, ``graph --out x.gpkg``) checks the target before it loads anything,
writes into a hidden temporary sibling, and renames that into place only when everything is
written. On any error, Ctrl-C included, the temporary output is removed and the target is left
as it was; with ``--force`` existing output files are replaced only at that last moment. The
sibling lives in the target's own directory, so the rename never crosses a file system.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from regionopt.errors import InputError, Problem

_SIDECARS = ("-journal", "-wal", "-shm")
"""Files SQLite (GeoPackage) may leave next to a database that was being written."""


def check_out_dir(out: Path, *, force: bool, option: str = "--out") -> None:
    """Refuse an output directory that cannot be written as asked.

    Raises
    ------
    InputError
        When ``out`` is a file (also with ``force``), or a non-empty directory without
        ``force``.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(
            [
                Problem(
                    str(out),
                    option,
                    "is a file, but an output directory is expected",
                    f"choose another {option} (a directory name), or remove the file",
                )
            ]
        )
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(
            [
                Problem(
                    str(out),
                    option,
                    "output directory already exists and is not empty",
                    f"choose another {option} or pass --force to overwrite the files in it",
                )
            ]
        )


def check_out_file(
    out: Path, *, force: bool, suffixes: Sequence[str] = (), option: str = "--out"
) -> None:
    """Refuse an output file that cannot be written as asked.

    Parameters
    ----------
    out : Path
        The file to write.
    force : bool
        Whether an existing file may be replaced.
    suffixes : sequence of str, optional
        Allowed file name endings (lower case, with the dot); the first is suggested.
    option : str
        The option that named the file, for the message.

    Raises
    ------
    InputError
        When ``out`` is a directory (also with ``force``), has the wrong ending, or exists and
        ``force`` is not given.
    """
    out = Path(out)
    if out.is_dir():
        raise InputError(
            [
                Problem(
                    str(out),
                    option,
                    "is a directory, but a file is expected",
                    f"name a file with {option}, e.g. {out / ('out' + (suffixes or ('',))[0])}",
                )
            ]
        )
    if suffixes and out.suffix.lower() not in suffixes:
        raise InputError(
            [
                Problem(
                    str(out),
                    option,
                    f"the file name must end with {' or '.join(suffixes)}",
                    f"end {option} with {suffixes[0]}",
                )
            ]
        )
    if out.exists() and not force:
        raise InputError(
            [
                Problem(
                    str(out),
                    option,
                    "file already exists",
                    f"choose another {option} or pass --force to overwrite it",
                )
            ]
        )


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return those created, deepest first."""
    created: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        created.append(probe)
        probe = probe.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "",
                    f"cannot create the output folder: {exc.strerror or exc}",
                    "choose an output path in a folder you can write",
                )
            ]
        ) from None
    return created


def _remove_empty(folders: list[Path]) -> None:
    """Remove folders this module created, deepest first, as long as they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _umask_mode(directory: bool) -> int:
    """The mode a new file or directory gets under the current umask."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def _write_failed(out: Path, exc: OSError) -> InputError:
    return InputError(
        [
            Problem(
                str(out),
                "",
                f"cannot write the output: {exc.strerror or exc}",
                "check the free disk space and that you may write there; nothing was written",
            )
        ]
    )


@contextmanager
def staged_dir(out: Path, *, force: bool, option: str = "--out") -> Iterator[Path]:
    """Write a directory in one piece: yields a temporary sibling, renamed to ``out`` on success.

    Parameters
    ----------
    out : Path
        The output directory.
    force : bool
        Write into an existing non-empty ``out``, replacing the files of the same name (only
        once everything is written; other files there are kept).
    option : str
        The option that named ``out``, for messages.

    Yields
    ------
    Path
        An empty directory to write into.

    Raises
    ------
    InputError
        When ``out`` is a file or a non-empty directory without ``force``, or when writing
        fails with an ``OSError`` (disk full, no permission). Nothing is left behind then.
    """
    out = Path(out)
    check_out_dir(out, force=force, option=option)
    created = _make_parents(out.parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as exc:
        _remove_empty(created)
        raise _write_failed(out, exc) from None
    try:
        try:
            yield tmp
            os.chmod(tmp, _umask_mode(directory=True))
            check_out_dir(out, force=force, option=option)
            _replace_dir(tmp, out)
        except OSError as exc:
            raise _write_failed(out, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(created)
        raise


def _replace_dir(tmp: Path, out: Path) -> None:
    """Move the staged output into place.

    A missing or empty ``out`` is replaced by ``tmp`` in one rename. Into a non-empty ``out``
    (only with ``--force``) each staged entry is moved with ``os.replace``, replacing the entry
    of the same name; other files already there are kept, so ``--force`` on a folder that
    holds more than an earlier output never deletes them.
    """
    if out.is_dir() and not any(out.iterdir()):
        out.rmdir()
    if not out.exists():
        os.rename(tmp, out)
        return
    for entry in sorted(tmp.iterdir()):
        target = out / entry.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(entry, target)
    tmp.rmdir()


@contextmanager
def staged_file(
    out: Path, *, force: bool, suffixes: Sequence[str] = (), option: str = "--out"
) -> Iterator[Path]:
    """Write one file in one piece: yields a temporary name beside ``out``, renamed on success.

    The temporary name keeps ``out``'s ending (writers such as GDAL choose by it) and does
    not exist yet. On success it replaces ``out`` with ``os.replace``; on any error it and
    any SQLite side files are removed, and folders created for it are removed again.

    Raises
    ------
    InputError
        See ``check_out_file``; also when writing fails with an ``OSError``.
    """
    out = Path(out)
    check_out_file(out, force=force, suffixes=suffixes, option=option)
    created = _make_parents(out.parent)
    tmp = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.partial{out.suffix}")
    try:
        try:
            yield tmp
            check_out_file(out, force=force, option=option)
            os.replace(tmp, out)
        except OSError as exc:
            raise _write_failed(out, exc) from None
    except BaseException:
        for path in (tmp, *(tmp.with_name(tmp.name + s) for s in _SIDECARS)):
            path.unlink(missing_ok=True)
        _remove_empty(created)
        raise
