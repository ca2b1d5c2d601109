"""Staged output: a directory or file appears whole, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionopt.errors import InputError
from regionopt.output import check_out_dir, check_out_file, staged_dir, staged_file


def test_staged_dir_appears_only_at_the_end(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "out"
    with staged_dir(out, force=False) as staging:
        (staging / "regions.csv").write_text("x")
        assert not out.exists()
        assert staging.parent == out.parent
    assert (out / "regions.csv").read_text() == "x"
    assert [p.name for p in out.parent.iterdir()] == ["out"]


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_staged_dir_error_leaves_nothing(tmp_path: Path, error: BaseException) -> None:
    out = tmp_path / "new" / "deeper" / "out"
    with pytest.raises(type(error)), staged_dir(out, force=False) as staging:
        (staging / "half.csv").write_text("half")
        raise error
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_only_at_the_end_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "regions.csv").write_text("old")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="--force"), staged_dir(out, force=False):
        pass
    with pytest.raises(RuntimeError), staged_dir(out, force=True) as staging:
        (staging / "regions.csv").write_text("new")
        raise RuntimeError
    assert (out / "regions.csv").read_text() == "old"
    with staged_dir(out, force=True) as staging:
        (staging / "regions.csv").write_text("new")
        assert (out / "regions.csv").read_text() == "old"
    assert (out / "regions.csv").read_text() == "new"
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_empty_directory_is_reused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with staged_dir(out, force=False) as staging:
        (staging / "a.txt").write_text("a")
    assert [p.name for p in out.iterdir()] == ["a.txt"]


def test_file_where_a_directory_is_expected(tmp_path: Path) -> None:
    afile = tmp_path / "afile.txt"
    afile.write_text("keep")
    for force in (False, True):
        with pytest.raises(InputError, match="is a file"):
            check_out_dir(afile, force=force)
    assert afile.read_text() == "keep"


def test_directory_where_a_file_is_expected(tmp_path: Path) -> None:
    folder = tmp_path / "x.gpkg"
    folder.mkdir()
    for force in (False, True):
        with pytest.raises(InputError, match="is a directory"):
            check_out_file(folder, force=force)


def test_staged_file(tmp_path: Path) -> None:
    out = tmp_path / "maps" / "m.html"
    with staged_file(out, force=False, suffixes=(".html",)) as staging:
        assert staging.suffix == ".html" and not staging.exists()
        staging.write_text("<html>")
        assert not out.exists()
    assert out.read_text() == "<html>"
    with pytest.raises(InputError, match="already exists"), staged_file(out, force=False):
        pass
    with staged_file(out, force=True) as staging:
        staging.write_text("<html>2")
    assert out.read_text() == "<html>2"
    assert [p.name for p in out.parent.iterdir()] == ["m.html"]


def test_staged_file_error_removes_it_and_its_side_files(tmp_path: Path) -> None:
    out = tmp_path / "new" / "g.gpkg"
    with pytest.raises(KeyboardInterrupt), staged_file(out, force=False) as staging:
        staging.write_text("half")
        Path(f"{staging}-journal").write_text("journal")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_wrong_file_ending(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"end --out with \.gpkg"):
        check_out_file(tmp_path / "x.txt", force=False, suffixes=(".gpkg",))
