"""The worst case of every regular expression in newscrawl: each module-level pattern run over
long runs of what it matches, the input a backtracking regex blows up on.

    .venv/bin/python -m benchmarks.regexes [--chars 20000]

Each pattern is searched (and `findall`ed) over runs of single characters, of short pieces
(" \\n", "1.", "<a", "By ", "Jan 1, ") and of its own literal words, each run ended by a
character it does not expect. A linear pattern reads 20,000 characters in well under a
millisecond; a quadratic one takes a second or more, and on a 2 MB page hours. The code may
use such a pattern only anchored (`match`, `fullmatch`: one start, linear), so each pattern is
reported with how its module calls it; a slow pattern that some module searches is a failure.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import newscrawl

PIECES = (" ", "a", "A", "1", "<", ">", "-", ".", ",", "/", ":", "\n", "&", "#", "@", "'", '"', "|",
          "\u00a0", "a ", "1 ", " \n", "<a", "a-", "1-", "1/", "1.", "a.", "a,", "ab ", "<p>", "<!--",
          "By ", "by ", "Jan 1, ", "12:00 ")
SLOW_MS = 50.0  # a linear pattern reads the default run in well under 1 ms
_ANCHORED = ("match", "fullmatch")


@dataclass
class PatternCost:
    name: str  # module.attribute
    pattern: str
    worst_ms: float
    worst_piece: str
    calls: frozenset[str]  # how the module calls it: search, sub, match...

    @property
    def searched(self) -> bool:
        """Whether any call starts the pattern at every position (not only anchored)."""
        return not self.calls or bool(self.calls - set(_ANCHORED))


def patterns() -> dict[int, tuple[str, re.Pattern, set[str]]]:
    """Every compiled pattern bound at module level in newscrawl (also inside a tuple, list or
    dict), once, by the first module.attribute that binds it, with the methods every module that
    binds it calls on it (`_DATE.search(...)`: a pattern imported elsewhere counts there too)."""
    found: dict[int, tuple[str, re.Pattern, set[str]]] = {}

    def collect(value: object, name: str, source: str, depth: int = 0) -> None:
        if isinstance(value, re.Pattern):
            found.setdefault(id(value), (name, value, set()))[2].update(calls_of(name, source))
        elif depth < 2 and isinstance(value, (tuple, list)):
            for index, item in enumerate(value):
                collect(item, f"{name}[{index}]", source, depth + 1)
        elif depth < 2 and isinstance(value, dict):
            for key, item in value.items():
                collect(item, f"{name}[{key!r}]", source, depth + 1)

    for info in pkgutil.walk_packages(newscrawl.__path__, "newscrawl."):
        module = importlib.import_module(info.name)
        source = Path(module.__file__).read_text("utf-8") if module.__file__ else ""
        for attribute, value in vars(module).items():
            collect(value, f"{info.name}.{attribute}", source)
    return found


def calls_of(name: str, source: str) -> set[str]:
    """The methods a module's source calls on the attribute (none for a pattern in a tuple or
    dict, whose calls go through a loop variable: taken as searched)."""
    attribute = name.rsplit(".", 1)[1]
    if "[" in attribute:
        return set()
    return {match.group(1) for match in re.finditer(rf"\b{re.escape(attribute)}\.(\w+)\(", source)}


def _text(piece: str, chars: int, as_bytes: bool) -> str | bytes:
    text = (piece * (chars // len(piece) + 1))[:chars] + "\x00!"
    return text.encode("utf-8") if as_bytes else text


def measure(pattern: re.Pattern, chars: int) -> tuple[float, str]:
    """The slowest search + findall (ms) over the adversarial runs, and its piece."""
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin-1")
    words = sorted(set(re.findall(r"[A-Za-z]{2,}|[^\\\w\s()\[\]{}*+?|^$]", source)))[:20]
    worst = (0.0, "")
    for piece in (*PIECES, *words, *(f"{w} " for w in words)):
        text = _text(piece, chars, isinstance(pattern.pattern, bytes))
        started = time.perf_counter()
        pattern.search(text)
        pattern.findall(text[: chars // 2])
        elapsed = (time.perf_counter() - started) * 1000
        if elapsed > worst[0]:
            worst = (elapsed, piece)
    return worst


def audit(chars: int = 20_000) -> list[PatternCost]:
    """Every pattern's worst case, slowest first."""
    costs = []
    for name, pattern, calls in patterns().values():
        worst_ms, piece = measure(pattern, chars)
        shown = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin-1")
        costs.append(PatternCost(name, shown, worst_ms, piece, frozenset(calls)))
    return sorted(costs, key=lambda cost: -cost.worst_ms)


def report(costs: list[PatternCost], out=sys.stdout) -> bool:
    """Print the slow patterns; True when none of them is searched (all linear where used)."""
    slow = [c for c in costs if c.worst_ms > SLOW_MS]
    print(f"{len(costs)} patterns; slowest {costs[0].worst_ms:.1f} ms ({costs[0].name}); "
          f"{len(slow)} over {SLOW_MS:.0f} ms on adversarial runs", file=out)
    for cost in slow:
        use = ", ".join(sorted(cost.calls)) or "not called by name"
        verdict = "FAIL: searched" if cost.searched else "ok: only anchored, one start"
        print(f"  {cost.worst_ms:8.1f} ms  {cost.name}  piece={cost.worst_piece!r}  calls: {use}  -> {verdict}",
              file=out)
    return not any(c.searched for c in slow)


def audit_apart(chars: int = 20_000) -> list[PatternCost]:
    """`audit` in a process of its own: importing every module has effects on the process that
    imports them (the command line's signal handlers, the worker pool's ignored TERM and HUP,
    which every process it starts afterwards inherits)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.regexes", "--chars", str(chars), "--json"],
                          capture_output=True, text=True, check=True, timeout=3600)
    return [PatternCost(c["name"], c["pattern"], c["worst_ms"], c["worst_piece"], frozenset(c["calls"]))
            for c in json.loads(done.stdout)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=20_000, help="length of each adversarial run")
    parser.add_argument("--json", action="store_true", help="every pattern's cost as JSON, nothing else")
    args = parser.parse_args(argv)
    costs = audit(args.chars)
    if args.json:
        print(json.dumps([{"name": c.name, "pattern": c.pattern, "worst_ms": c.worst_ms,
                           "worst_piece": c.worst_piece, "calls": sorted(c.calls)} for c in costs]))
        return 0
    return 0 if report(costs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
