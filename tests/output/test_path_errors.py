"""The shared path helpers never raise for a path the user gives: a name too long (ENAMETOOLONG,
which Path.is_dir() raises) or a symbolic link loop (Path.resolve()'s RuntimeError on Python
3.11) is a reason in the OS's words, and the cause said is the real one. Real files and real
symbolic link loops in tmp_path."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.config.path_names import name_problem, os_reason
from newscrawl.output.guard import same_file
from newscrawl.output.paths import (
    full_disk_reason,
    path_problems,
    unwritable_folder_reason,
    unwritable_reason,
)

LONG = "x" * 300
TOO_LONG = os.strerror(errno.ENAMETOOLONG)
LOOP = os.strerror(errno.ELOOP)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "loop1").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop1")
    (tmp_path / "file.txt").write_text("a file")
    (tmp_path / "dir").mkdir()
    return tmp_path


def test_name_problem_says_a_name_too_long_and_a_loop_and_nothing_else(folder: Path) -> None:
    assert name_problem(folder / LONG) == TOO_LONG
    assert name_problem(folder / LONG / "state.sqlite") == TOO_LONG
    assert name_problem(folder / "missing" / LONG) == TOO_LONG  # in a folder the crawl would make
    assert name_problem(folder / "loop") == LOOP
    assert name_problem(folder / "loop1" / "x.jsonl") == LOOP
    for fine in ("file.txt", "dir", "missing/out.jsonl", "file.txt/x", os.devnull):
        assert name_problem(folder / fine) is None, fine


def test_os_reason_names_the_loop_that_resolve_raises(folder: Path) -> None:
    try:
        (folder / "loop").resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        assert os_reason(exc) == LOOP
    assert os_reason(OSError(errno.ENAMETOOLONG, TOO_LONG, LONG)) == TOO_LONG


@pytest.mark.parametrize(("name", "reason"), [(LONG, TOO_LONG), (f"missing/{LONG}", TOO_LONG),
                                              ("loop", LOOP), ("loop1/x.jsonl", LOOP)])
def test_the_write_checks_give_the_cause_instead_of_raising(folder: Path, name: str, reason: str) -> None:
    assert unwritable_reason(folder / name) == reason
    assert unwritable_reason(folder / name, keep_folders=True) == reason
    assert unwritable_folder_reason(folder / name) == reason  # not "File exists" for a loop
    assert full_disk_reason(folder / name) is None
    assert sorted(p.name for p in folder.iterdir()) == ["dir", "file.txt", "loop", "loop1", "loop2"]


def test_two_spellings_of_a_loop_are_compared_without_raising(folder: Path) -> None:
    assert same_file(folder / "loop", folder / "loop")
    assert not same_file(folder / "loop", Path(os.devnull))
    assert not same_file(folder / "loop1" / "x.jsonl", folder / "loop2" / "x.jsonl")


def test_a_state_that_cannot_be_written_suggests_the_documented_off_value(folder: Path) -> None:
    settings = Settings({"NEWSCRAWL_STATE": str(folder / "loop"), "LOG_ENABLED": False})
    [line] = path_problems(settings)
    assert line == (f"state file {folder / 'loop'} cannot be used: {LOOP}; fix the path (NEWSCRAWL_STATE) "
                    "or crawl without state (-s NEWSCRAWL_STATE=none)")
