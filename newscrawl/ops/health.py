"""Was a run healthy? The health rules `scrapy cron` applies to each site's counters."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SiteHealth:
    """One site's counters for one run, and the verdict."""

    name: str
    counts: dict[str, int]
    quiet_runs: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def judge_site(name: str, counts: dict[str, int], quiet_runs: int, max_quiet_runs: int,
               failure_ratio: float = 0.5) -> SiteHealth:
    """Apply the health rules to one site's counters (docs/discovery-and-cron.md)."""
    get = counts.get
    pages = get("pages", 0)  # HTML/XML responses that reached a callback
    failed = get("failed", 0)  # requests that failed (probes of usual paths excluded)
    blocked = get("challenge", 0) + get("empty", 0)
    found = (get("article_pages", 0) + get("seen_before", 0) + get("not_modified", 0)
             + get("skipped_old", 0) + get("revisited", 0))
    problems = []
    if get("forbidden", 0) and not pages:
        problems.append("robots.txt forbids every page")
    elif blocked and (blocked >= max(1, pages) * 0.5 or get("home_blocked", 0)):
        problems.append(f"bot-challenge or empty pages where content was expected ({blocked})")
    elif failed and failed > (failed + pages) * failure_ratio:
        problems.append(f"most requests failed ({failed} of {failed + pages})")
    if not found and not problems:
        problems.append("no article page could be discovered or parsed")
    for key, percent in sorted(counts.items()):
        if key.startswith("coverage_fell/"):  # newscrawl/ops/coverage.py
            problems.append(f"{key.removeprefix('coverage_fell/')} found in only {percent}% of "
                            "articles, far below its recent runs: a layout change may have broken extraction")
    if max_quiet_runs and quiet_runs >= max_quiet_runs:
        problems.append(f"no new article for {quiet_runs} runs in a row")
    return SiteHealth(name, dict(counts), quiet_runs, problems)
