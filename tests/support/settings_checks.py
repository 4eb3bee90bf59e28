"""The settings as `-s NAME=VALUE` gives them, and what the crawl's settings check says of them."""

from __future__ import annotations

from scrapy.settings import Settings

from newscrawl.commands.crawl import check_settings


def cmdline(**values: str) -> Settings:
    """The project's settings with `values` given on the command line."""
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    settings.setdict(values, priority="cmdline")
    return settings


def assert_one_problem(values: dict, problem: str | None) -> None:
    """The check finds nothing wrong (`problem` None), or exactly one problem that says `problem`."""
    problems = check_settings(cmdline(**values))
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0], problems
