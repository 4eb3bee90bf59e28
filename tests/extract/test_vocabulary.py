"""The shared words and bounds of extraction: what reads as a sentence."""

from __future__ import annotations

import pytest

from newscrawl.extract.vocabulary import reads_like_prose


@pytest.mark.parametrize("text", [
    "Aktualisiert: 6. März 2024, 08:15 Uhr · Erstmals veröffentlicht: 5. März 2024, 14:30 Uhr",
    "Opublikowano 29. listopadu 2024 v 12:10 · Aktualizováno 30. listopadu 2024 v 08:05 · 3 min",
])
def test_a_days_ordinal_dot_ends_no_sentence(text: str) -> None:
    assert not reads_like_prose(text)


@pytest.mark.parametrize("text", [
    "The council voted on Tuesday to approve the new budget for transit and parks in 2024. It passed.",
    "The council met for the first time since the flood and voted to rebuild the bridge by May 2025.",
    "Der Stadtrat hat am Dienstag beschlossen, die Hauptstraße ab Juni für Autos zu sperren. Gut so!",
])
def test_a_sentence_ending_in_a_year_or_a_word_is_prose(text: str) -> None:
    assert reads_like_prose(text)


@pytest.mark.parametrize("text", [
    "Officials said on March 5, 2024 that the number of people killed in the storm had risen to 12.",
    "The council first voted on the bridge plan on January 9, 2023, and it passed by a vote of 6-1.",
])
def test_a_sentence_ending_in_a_small_number_is_prose(text: str) -> None:
    # the ordinal dot is one that text follows ("6. März"): a full stop that ends the text ends a sentence
    assert reads_like_prose(text)
