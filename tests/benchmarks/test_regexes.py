"""The regex audit of `make bench` finds the package's patterns and tells anchored use apart."""

from __future__ import annotations

import io
import signal

from benchmarks.regexes import PatternCost, audit_apart, calls_of, report


def test_calls_are_read_from_the_source() -> None:
    source = "if _DATE.search(text) or _DATE.match(line):\n    _DATE_END.sub('', text)\n"
    assert calls_of("newscrawl.x._DATE", source) == {"search", "match"}
    assert calls_of("newscrawl.x._DATE_END", source) == {"sub"}
    assert calls_of("newscrawl.x.PATTERNS[0]", source) == set()  # used through a loop variable


def test_only_a_slow_pattern_that_is_searched_fails() -> None:
    anchored = PatternCost("m._A", "a*b", 900.0, "a", frozenset({"match", "fullmatch"}))
    searched = PatternCost("m._B", "a*b", 900.0, "a", frozenset({"match", "search"}))
    unknown = PatternCost("m._C[0]", "a*b", 900.0, "a", frozenset())
    fast = PatternCost("m._D", "x", 0.1, "a", frozenset({"search"}))
    assert searched.searched and unknown.searched and not anchored.searched
    assert report([anchored, fast], out=io.StringIO()) is True
    printed = io.StringIO()
    assert report([searched, fast], out=printed) is False
    assert "m._B" in printed.getvalue() and "FAIL: searched" in printed.getvalue()


def test_the_audit_finds_every_module_and_how_each_pattern_is_called() -> None:
    """In a process of its own: importing every module ignores TERM and HUP in the importer (the
    worker pool's), and every test's subprocess after it then ignored them too."""
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    costs = {cost.name: cost for cost in audit_apart(chars=200)}
    assert {signum: signal.getsignal(signum) for signum in before} == before
    assert len(costs) >= 100
    assert costs["newscrawl.config.settings_check._DOTTED"].calls == {"fullmatch"}
    assert any(name.startswith("newscrawl.discovery.") for name in costs)
    assert any(name.startswith("newscrawl.extract.") for name in costs)
