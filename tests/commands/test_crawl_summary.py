"""How the crawl's summary names its outputs."""

from __future__ import annotations

from pathlib import Path

from scrapy.settings import Settings

from newscrawl.commands.crawl import _output_name
from newscrawl.output.guard import feed_targets


def test_the_summary_names_an_output_file_the_run_never_opened_as_not_created(tmp_path: Path) -> None:
    written, never = tmp_path / "written.jsonl", tmp_path / "never.jsonl"
    written.write_text("", encoding="utf-8")
    settings = Settings({"FEEDS": {str(written): {}, never.as_uri(): {}, "stdout:": {}}})
    assert [_output_name(target) for target in feed_targets(settings)] == [
        str(written), f"{never.as_uri()} (not created)", "standard output"]
