"""Every heuristic of extraction is a named rule that the code consults by name, and only the
benchmark switches rules off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newscrawl.extract import extract_article, rules

EXTRACT = Path(rules.__file__).parent
SOURCES = [p for p in EXTRACT.rglob("*.py") if p.name != "rules.py"]


def _quoted_names() -> set[str]:
    text = "\n".join(p.read_text("utf-8") for p in SOURCES)
    return set(re.findall(r'enabled\("([a-z-]+)"\)', text)) | {
        name for name in rules.BY_NAME if f'"{name}"' in text}


def test_every_rule_is_consulted_and_every_consulted_rule_is_registered():
    consulted = set(re.findall(r'enabled\("([a-z-]+)"\)', "\n".join(p.read_text("utf-8") for p in SOURCES)))
    assert consulted - rules.BY_NAME.keys() == set()
    assert rules.BY_NAME.keys() - _quoted_names() == set()


def test_every_rule_states_a_concern_and_a_principle():
    for rule in rules.RULES:
        assert rule.concern and len(rule.principle) >= 20, rule.name
    assert len(rules.BY_NAME) == len(rules.RULES)  # names are unique


def test_unknown_rule_is_one_line_naming_it():
    with pytest.raises(ValueError, match=r"^unknown rule\(s\): no-such-rule \(see newscrawl/extract/rules.py\)$"):
        rules.switch_off(["no-such-rule"])
    assert rules.switched_off() == frozenset()


def test_a_rule_switched_off_changes_the_record_and_comes_back_on():
    paragraph = ("The council voted on Tuesday to rebuild the old bridge over the river, a project "
                 "delayed for a decade by disputes over money. ") * 2
    html = (f"<html><body><article><h1>Bridge</h1><p>{paragraph}</p><p>{paragraph} Again.</p>"
            "<p>Leave a Reply</p></article></body></html>")
    assert "Leave a Reply" not in extract_article("https://a.example/x", html).body
    with rules.disabled("interface-lines"):
        assert "interface-lines" in rules.switched_off()
        assert extract_article("https://a.example/x", html).body.endswith("Leave a Reply")
    assert rules.switched_off() == frozenset()
    rules.forget_asked()
    extract_article("https://a.example/x", html)
    assert "interface-lines" in rules.asked()
