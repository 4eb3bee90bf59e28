"""`make demo`: serve the bundled demo news site on 127.0.0.1 and crawl it (the crawl prints its summary)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from tools.devserver import serve_as_https_site

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "fixtures" / "demo"
OUTPUT = ROOT / "output"
# the demo site appears at this address through a local proxy; nothing leaves 127.0.0.1
DEMO_URL = "https://worldpress.example/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder for the demo's files")
    out_dir = parser.parse_args(argv).output.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / "demo.jsonl"
    stats_file = out_dir / "demo-stats.json"
    state = out_dir / "demo-state.sqlite"
    for path in (state, Path(f"{state}-wal"), Path(f"{state}-shm"), stats_file):
        path.unlink(missing_ok=True)
    with serve_as_https_site(SITE, DEMO_URL) as proxy:
        print(f"serving the demo site as {DEMO_URL} through a proxy on {proxy}")
        env = {**os.environ, "https_proxy": proxy, "http_proxy": proxy, "no_proxy": ""}
        command = [
            sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={DEMO_URL}",
            "-O", str(output), "-s", f"NEWSCRAWL_STATE={state}",
            "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", "-s", "LOG_LEVEL=WARNING",
            "-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_START_DELAY=0.05",
        ]
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        print("the demo crawl failed; see the log above", file=sys.stderr)
        return 1
    # the crawl printed its own summary (every `scrapy crawl` does); the records are here:
    print(f"wrote {output} and its stats {stats_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
