"""`make demo`: serve the bundled demo news site on 127.0.0.1 and crawl it (the crawl prints its summary).

Exit 0 when the crawl ran, 1 when it failed or the output folder cannot be written, 130 when
Ctrl-C stopped it (one line each, never a traceback)."""

from __future__ import annotations

import signal
import sys

from newscrawl.commands._ctrl_c import stop_if_seen, watch

watch()  # a Ctrl-C while the rest loads is the demo's line, even one an import swallowed

import argparse  # noqa: E402 - after watch()
import os  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "fixtures" / "demo"
OUTPUT = ROOT / "output"
# the demo site appears at this address through a local proxy; nothing leaves 127.0.0.1
DEMO_URL = "https://worldpress.example/"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as the crawl itself ends on Ctrl-C


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder for the demo's files")
    parser.add_argument("--delay", type=_seconds, default=0.05,
                        help="seconds between two requests (default 0.05; more to watch it crawl)")
    args = parser.parse_args(argv)
    try:
        return demo(args.output.resolve(), args.delay)
    except KeyboardInterrupt:  # while Scrapy loads, or the servers start or stop
        print("demo: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 60:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 60")
    return value


def demo(out_dir: Path, delay: float = 0.05) -> int:
    # imported here, where Ctrl-C is one line: Scrapy takes a second or more to load
    from newscrawl.output.paths import unwritable_folder_reason
    from tools.devserver import serve_as_https_site

    reason = unwritable_folder_reason(out_dir)
    if reason:
        print(f"demo: cannot write to the output folder {out_dir}: {reason} (give --output a "
              "writable folder)", file=sys.stderr)
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / "demo.jsonl"
    stats_file = out_dir / "demo-stats.json"
    state = out_dir / "demo-state.sqlite"
    for path in (state, Path(f"{state}-wal"), Path(f"{state}-shm"), stats_file):
        path.unlink(missing_ok=True)
    stop_if_seen()
    with serve_as_https_site(SITE, DEMO_URL) as proxy:
        print(f"serving the demo site as {DEMO_URL} through a proxy on {proxy}", flush=True)
        env = {**os.environ, "https_proxy": proxy, "http_proxy": proxy, "no_proxy": ""}
        # the `newscrawl` command (its module): a Ctrl-C while it loads is its one line too
        command = [
            sys.executable, "-m", "newscrawl.cli", "crawl", "site", "-a", f"url={DEMO_URL}",
            "-O", str(output), "-s", f"NEWSCRAWL_STATE={state}",
            "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", "-s", "LOG_LEVEL=WARNING",
            "-s", f"DOWNLOAD_DELAY={delay}", "-s", f"AUTOTHROTTLE_START_DELAY={delay}",
        ]
        code = run_crawl(command, env)
    if code == EXIT_INTERRUPTED:  # the crawl said so, and what it wrote and how to go on
        return EXIT_INTERRUPTED
    if code in (-signal.SIGINT, -signal.SIGTERM):  # stopped before it could take the signal
        print("demo: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if code != 0:
        print("the demo crawl failed; see the log above", file=sys.stderr)
        return 1
    # the crawl printed its own summary (every `scrapy crawl` does); the records are here:
    print(f"wrote {output} and its stats {stats_file}")
    return 0


def run_crawl(command: list[str], env: dict[str, str]) -> int:
    """Run the crawl to its end; its exit code.

    The crawl runs in a process group of its own, so that Ctrl-C reaches this process only,
    which passes it on to the crawl as SIGTERM: the crawl stops on it as on Ctrl-C (a second
    one at once), and one that comes while the crawl's Python is still starting ends it
    quietly (Ctrl-C there printed "Fatal Python error" and a traceback). Its extraction workers
    never see the signal, and the crawl is never left running: a Ctrl-C just before it starts
    stops it as soon as it has started (subprocess.run's Ctrl-C killed its child: the crawl lost
    its summary, and its workers printed BrokenPipeError tracebacks)."""
    process: subprocess.Popen | None = None
    pending: list[int] = []

    def forward(signum: int, frame: Any) -> None:
        if process is None:
            pending.append(signum)
        else:
            process.send_signal(signal.SIGTERM)

    before = {signum: signal.signal(signum, forward) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        process = subprocess.Popen(command, cwd=ROOT, env=env, process_group=0)
        if pending:
            process.send_signal(signal.SIGTERM)
        return process.wait()
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
