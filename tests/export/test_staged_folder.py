"""files.staged_folder: a folder appears complete or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualalign.errors import ConfigError
from dualalign.files import staged_folder
from tests.badinput.harness import tree_digest


def test_success_moves_the_staged_folder_into_place(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out"
    with staged_folder(target) as folder:
        assert folder.parent == target.parent and folder.is_dir()
        assert not target.exists()
        (folder / "x.txt").write_text("x")
    assert (target / "x.txt").read_text() == "x"
    assert [p.name for p in target.parent.iterdir()] == ["out"]


def test_failure_leaves_nothing_not_even_new_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out"
    with pytest.raises(RuntimeError), staged_folder(target) as folder:
        (folder / "x.txt").write_text("x")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_needs_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    with (
        pytest.raises(ConfigError, match=r"exists; give a new folder, or --overwrite"),
        staged_folder(target),
    ):
        pass
    assert (target / "keep.txt").read_text() == "keep"


def test_a_file_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("a file")
    with pytest.raises(ConfigError, match="is a file"), staged_folder(target, overwrite=True):
        pass
    assert target.read_text() == "a file"


def test_overwrite_keeps_the_old_folder_until_the_new_one_is_done(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    before = tree_digest(tmp_path)
    with pytest.raises(KeyboardInterrupt), staged_folder(target, overwrite=True) as folder:
        (folder / "new.txt").write_text("new")
        assert (target / "old.txt").exists()
        raise KeyboardInterrupt
    assert tree_digest(tmp_path) == before
    with staged_folder(target, overwrite=True) as folder:
        (folder / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
