"""Field-by-field comparison of an extracted item with a fixture's expected.json."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter

NOT_COMPARED = {"fetched_at", "fingerprint", "extractor", "must_not_contain", "noise", "check",
                "theme", "body_first", "body_last", "body_optional"}


def _minute(value: str) -> str:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo:
        parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y-%m-%dT%H:%M")


def _body_lines(body: str, optional: list[str]) -> list[str]:
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    return [line for line in lines if not any(line.startswith(o.strip()) for o in optional)]


def noise_captured(expected: str, noise: list[str]) -> bool:
    """A noise string is captured whole, or as its whitespace-separated parts."""
    joined = " ".join(noise)
    return expected in noise or expected in joined or all(part in noise for part in expected.split())


def problems(item: Any, expected: dict[str, Any]) -> list[str]:
    """Everything in which the item differs from what the fixture expects (empty: it passes)."""
    got = ItemAdapter(item).asdict()
    found = []
    if expected.get("check") == "wpnews":
        if got["headline"] != expected["headline"]:
            found.append(f"headline {got['headline']!r} != {expected['headline']!r}")
        if not got["published"] or _minute(got["published"]) != _minute(expected["published"]):
            found.append(f"published {got['published']!r} != {expected['published']!r}")
        lines = _body_lines(got["body"] or "", expected.get("body_optional", []))
        text = "\n".join(lines)
        if not text.startswith(expected["body_first"].strip()):
            found.append(f"body starts {text[:120]!r}, expected {expected['body_first']!r}")
        if not text.endswith(expected["body_last"].strip()):
            found.append(f"body ends {text[-120:]!r}, expected {expected['body_last']!r}")
    else:
        for key, value in expected.items():
            if key not in NOT_COMPARED and got.get(key) != value:
                found.append(f"{key}: {got.get(key)!r} != {value!r}")
    for text in expected.get("must_not_contain", []):
        for key, value in got.items():
            if key != "noise" and text in str(value):
                found.append(f"boilerplate {text!r} leaked into {key}")
    for text in expected.get("noise", []):
        if not noise_captured(text, got["noise"]):
            found.append(f"noise {text!r} not captured (noise={got['noise']!r})")
    return found
