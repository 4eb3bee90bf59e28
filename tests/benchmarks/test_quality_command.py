"""`python -m benchmarks.quality` (`make quality`) checks its arguments before it scores anything:
one line, exit 2 for a bad command line, 1 for a file it cannot write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def quality(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "benchmarks.quality", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)


def test_quality_checks_its_arguments_before_running(tmp_path: Path) -> None:
    dataset = tmp_path / "wpnews"
    (dataset / "page-1").mkdir(parents=True)
    (dataset / "page-1" / "expected.json").write_text('{"body_first": "x"}')
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    cases = [
        ([], 2, "the following arguments are required: DIR"),
        ([str(dataset), str(tmp_path / "wcxbb")], 2,
         f"no such folder: {tmp_path / 'wcxbb'} (give a data set folder, e.g. ../shared/data/wcxb)"),
        ([str(tmp_path)], 2, f"{tmp_path}: not an aeb, fundus, wcxb, wpnews or pagetypes data set"),
        ([str(dataset), "--limit", "0"], 2, "argument --limit: must be 1 or more, not 0"),
        ([str(dataset), "--worst", "many"], 2, "argument --worst: not a whole number: 'many'"),
        ([str(dataset), "--only", "readability"], 2,
         "argument --only: invalid choice: 'readability' (choose from 'newscrawl', 'trafilatura', 'trafilatura-precision')"),
        ([str(dataset), "--half", "middle"], 2,
         "argument --half: invalid choice: 'middle' (choose from 'tune', 'check', 'both', 'all')"),
        ([str(dataset), "--baseline", str(tmp_path / "none.json")], 2,
         f"--baseline {tmp_path / 'none.json'}: No such file or directory"),
        ([str(dataset), "--half", "check", "--worst", "3"], 2,
         "--worst opens pages one by one: the tune half only (the check half is scored in aggregate)"),
        ([str(dataset), "--json", str(blocker / "scores.json")], 1,
         f"--json {blocker / 'scores.json'}: not a folder: {blocker} (nothing was scored)"),
    ]
    for args, code, line in cases:
        proc = quality(*args)
        assert (proc.returncode, proc.stderr.strip()) == (code, f"quality: {line}"), args
        assert proc.stdout == ""  # no set was scored
