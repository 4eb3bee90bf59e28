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
