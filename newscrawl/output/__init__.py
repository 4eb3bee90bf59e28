"""Output: feed storage with whole-line writes (storage), the checks before a crawl (guard),
recording in the state what was written (recorder), crash recovery (recovery), the stats file
(stats) and saved pages for replay (replay)."""
