"""Checks every state backend must pass, run on each real backend by its own tests."""

from __future__ import annotations

from newscrawl.state.base import StateStore


def check_links_pending_until_followed(store: StateStore) -> None:
    """An entry recorded `links_pending` stays so until marked followed; marking keeps the rest of
    the entry, ignores unknown URLs, and a later record with links pending makes it pending again."""
    store.record("https://a.example/1", "f1", None, 1, etag='"e1"', links_pending=True)
    store.record("https://a.example/2", "f2", None, 1)
    assert store.get("https://a.example/1").links_pending and not store.get("https://a.example/2").links_pending
    store.mark_links_followed(["https://a.example/1", "https://a.example/unknown"])
    entry = store.get("https://a.example/1")
    assert not entry.links_pending and (entry.fingerprint, entry.etag) == ("f1", '"e1"')  # the rest kept
    assert store.get("https://a.example/unknown") is None and store.count() == 2
    # recorded again (a new revision written by a run that is stopped): pending again
    store.record("https://a.example/1", "f1b", None, 2, links_pending=True)
    assert store.get("https://a.example/1").links_pending


def check_prune_keeps_undated_entries(store: StateStore, undated: int = 2) -> None:
    """A prune by age forgets the dated articles' entries and keeps the undated ones (nothing would
    keep a crawl from writing those again: no date to skip them by); a prune of 0 forgets all."""
    import time

    for number in range(undated):
        store.record(f"https://a.example/undated-{number}", f"u{number}", None, 1, undated=True)
    store.record("https://a.example/dated", "d1", "2024-05-01T08:00:00+00:00", 1)
    assert store.get("https://a.example/undated-0").undated and not store.get("https://a.example/dated").undated
    time.sleep(0.05)
    assert store.prune(0.01) == 1
    assert store.get("https://a.example/dated") is None and not store.has_fingerprint("d1")
    assert store.count() == undated and store.has_fingerprint("u0")
    # a new revision with a date still keeps its entry: the date may go again (a modified time
    # that appeared, then went), and a page without one would be written again once forgotten
    store.record("https://a.example/undated-0", "u0b", None, 2)
    assert store.get("https://a.example/undated-0").undated
    time.sleep(0.05)
    assert store.prune(0.01) == 0 and store.count() == undated
    assert store.prune(0) == undated and store.count() == 0


def check_forget_removes_entries_and_their_fingerprints(store: StateStore) -> None:
    """`forget` removes the entries named (their fingerprints with them, unless another entry
    carries one), ignores unknown URLs and leaves the rest: the recorder takes back the articles
    of an output deleted during the run."""
    store.record("https://a.example/1", "f1", None, 1)
    store.record("https://a.example/2", "f2", None, 1)
    store.record("https://a.example/3", "f2", None, 1)  # the same text under another address
    store.forget(["https://a.example/1", "https://a.example/2", "https://a.example/unknown"])
    assert store.get("https://a.example/1") is None and store.get("https://a.example/2") is None
    assert not store.has_fingerprint("f1") and store.has_fingerprint("f2")
    assert store.count() == 1 and store.get("https://a.example/3").fingerprint == "f2"
