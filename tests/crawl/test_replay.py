"""`scrapy crawl site -a warc=PATH`: CC-NEWS-style files (many sites, WARC/1.0, target URIs in
angle brackets, crawler headers, other record kinds), sites-file (sites, allow, deny) and since
filters as in a live crawl, damaged files (one line, the offset, the next file goes on), and
arguments that cannot go together."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from benchmarks.ccnews import (
    fixture_pages,
    http_response,
    response_headers,
    warc_record,
    warcinfo,
)
from newscrawl.extract import extract_article
from tests.conftest import FAST, read_jsonl, run_scrapy
from tests.support.faultserver import plain_article
from tests.support.sites.server import serve_site

PAGES = {page.id: page for page in fixture_pages()}
CHOSEN = ["worldpress-seed", "wpnews-nassauguardian", "wpnews-thenamibian", "wpnews-elpais"]


def url_of(n: int) -> str:
    return f"https://www.paper{n % 3}.example/2024/05/0{n + 1}/story-{n}/"


def page_body(n: int) -> bytes:
    return PAGES[CHOSEN[n]].html.encode("utf-8")


def chunked(data: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 1000]), data[i:i + 1000])
                    for i in range(0, len(data), 1000)) + b"0\r\n\r\n"


def build_ccnews(path: Path) -> list[tuple[int, str]]:
    """A CC-NEWS-style file: four articles on three sites (the second stored gzip+chunked as
    on the wire, the third with its URI in angle brackets), a 404, an image, a request and a
    metadata record. Returns (offset, WARC-Date) of each article's record."""
    head, info = warcinfo(path.name)
    parts = [head]
    offsets = []
    for n in range(len(CHOSEN)):
        body = page_body(n)
        when = f"2024-05-0{n + 1}T0{n}:30:00Z"
        if n == 1:
            block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Encoding: gzip\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + chunked(gzip.compress(body)))
        else:
            block = http_response(body)
        offsets.append((sum(map(len, parts)), when))
        parts.append(warc_record(response_headers(url_of(n), when, body, info, angle_brackets=n == 2), block))
    for status, kind, url in (("404 Not Found", "text/html", "https://www.paper0.example/gone/"),
                              ("200 OK", "image/jpeg", "https://www.paper1.example/photo.jpg")):
        parts.append(warc_record(response_headers(url, "2024-05-01T00:00:00Z", b"x", info),
                                 http_response(b"<html>gone</html>" if kind == "text/html" else b"\xff\xd8\xff",
                                               status=status, content_type=kind)))
    parts.append(warc_record([("WARC-Type", "request"), ("WARC-Target-URI", url_of(0)),
                              ("WARC-Date", "2024-05-01T00:00:00Z"), ("WARC-Record-ID", "<urn:uuid:1>"),
                              ("Content-Type", "application/http; msgtype=request")],
                             b"GET /2024/05/01/story-0/ HTTP/1.1\r\nHost: www.paper0.example\r\n\r\n"))
    parts.append(warc_record([("WARC-Type", "metadata"), ("WARC-Target-URI", url_of(0)),
                              ("WARC-Date", "2024-05-01T00:00:00Z"), ("WARC-Record-ID", "<urn:uuid:2>"),
                              ("Content-Type", "application/warc-fields")], b"fetchTimeMs: 120\r\n"))
    path.write_bytes(b"".join(parts))
    return offsets


def replay(tmp: Path, source: str, *extra: str, name: str = "out"):
    proc = run_scrapy(["crawl", "site", "-a", f"warc={source}", "-O", str(tmp / f"{name}.jsonl"),
                       "-s", "NEWSCRAWL_STATE=off", "-s", f"NEWSCRAWL_STATS_FILE={tmp / f'{name}.stats.json'}",
                       *extra])
    stats_file = tmp / f"{name}.stats.json"
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return proc, read_jsonl(tmp / f"{name}.jsonl"), stats


def test_a_cc_news_style_file_replays_every_site_with_the_record_date(tmp_path):
    offsets = build_ccnews(tmp_path / "CC-NEWS-20240501000000-00001.warc.gz")
    proc, articles, stats = replay(tmp_path, str(tmp_path / "CC-NEWS-20240501000000-00001.warc.gz"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_url = {a["url"]: a for a in articles}
    assert set(by_url) == {url_of(n) for n in range(len(CHOSEN))}
    for n, (offset, when) in enumerate(offsets):
        article = by_url[url_of(n)]
        expected = extract_article(url_of(n), page_body(n))
        assert article["headline"] == expected.headline and article["body"] == expected.body
        assert article["site"] == f"paper{n % 3}.example"
        assert article["fetched_at"] == when.replace("Z", "+00:00")
        assert article["warc"]["offset"] == offset and article["warc"]["file"].endswith("00001.warc.gz")
    assert stats["newscrawl/replay/skipped_status"] == 1
    assert stats["newscrawl/replay/skipped_not_html"] == 1
    assert stats["newscrawl/replay/records"] == 6
    assert not [k for k in stats if k.startswith("newscrawl/errors/")]


def test_a_sites_file_keeps_its_sites_and_since_drops_older_articles(tmp_path):
    build_ccnews(tmp_path / "cc.warc.gz")
    sites = tmp_path / "sites.toml"
    sites.write_text('[sites.zero]\nurl = "https://www.paper0.example/"\n\n'
                     '[sites.two]\nurl = "https://www.paper2.example/"\n', "utf-8")
    proc, articles, stats = replay(tmp_path, str(tmp_path / "cc.warc.gz"), "-a", f"sites={sites}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(a["url"] for a in articles) == sorted(url_of(n) for n in (0, 2, 3))
    assert {a["site"] for a in articles} == {"zero", "two"}
    assert stats["newscrawl/replay/skipped_other_sites"] >= 1

    published = {a["url"]: a["published"] for a in articles}
    cut = sorted(published.values())[1][:10]  # a date that keeps some and drops others
    proc, recent, stats = replay(tmp_path, str(tmp_path / "cc.warc.gz"), "-a", f"since={cut}", name="since")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert recent and all(a["published"][:10] >= cut for a in recent)
    assert stats.get("newscrawl/dropped/older_than_since", 0) >= 1


def test_a_sites_file_allow_and_deny_filter_as_in_a_live_crawl(tmp_path):
    """A page the sites file's allow or deny leaves out is not replayed, and counted as the live
    crawl counts one (skipped_denied); a start page is replayed whatever they say, as it is fetched."""
    build_ccnews(tmp_path / "cc.warc.gz")
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[sites.zero]\nurl = "{url_of(0)}"\nallow = ["/2099/"]\n\n'  # story-3 not allowed
                     '[sites.one]\nurl = "https://www.paper1.example/"\ndeny = ["/story-[1-2]/"]\n\n'
                     '[sites.two]\nurl = "https://www.paper2.example/"\n', "utf-8")
    proc, articles, stats = replay(tmp_path, str(tmp_path / "cc.warc.gz"), "-a", f"sites={sites}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(a["url"] for a in articles) == sorted(url_of(n) for n in (0, 2))
    assert stats["newscrawl/site/zero/skipped_denied"] == 1 and stats["newscrawl/site/one/skipped_denied"] == 1
    assert "newscrawl/site/two/skipped_denied" not in stats
    assert stats["newscrawl/replay/skipped_denied"] == 2


def test_a_replay_with_a_sites_file_writes_what_a_live_crawl_with_it_writes(tmp_path):
    """An archive of the whole site, replayed with a sites file that denies some pages, writes the
    articles a live crawl with that sites file writes (it wrote the denied ones too)."""
    root = tmp_path / "site"
    stories = [f"news/2024/05/a{n}/" for n in range(1, 9)]
    for story in stories:
        (root / story).mkdir(parents=True)
        (root / story / "index.html").write_bytes(plain_article(story.split("/")[-2]))
    links = " ".join(f'<a href="/{story}">{story}</a>' for story in stories)
    (root / "index.html").write_text(f"<html><body><h1>Harbour Times</h1>{links}</body></html>", "utf-8")
    live = ["-s", "NEWSCRAWL_STATE=off", *FAST, "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]
    with serve_site(root, host="127.0.0.77") as site:
        sites = tmp_path / "d.toml"
        sites.write_text(f'[sites.d]\nurl="{site.base}"\ndeny=["/news/2024/05/a[3-6]"]\n', "utf-8")
        archived = run_scrapy(["crawl", "site", "-a", f"url={site.base}", "-O", str(tmp_path / "all.jsonl"),
                               "-s", f"NEWSCRAWL_ARCHIVE={tmp_path / 'archive'}", *live])
        filtered = run_scrapy(["crawl", "site", "-a", f"sites={sites}", "-O", str(tmp_path / "live.jsonl"), *live])
    assert archived.returncode == filtered.returncode == 0, archived.stderr[-2000:] + filtered.stderr[-2000:]
    assert len(read_jsonl(tmp_path / "all.jsonl")) == len(stories)
    expected = sorted(a["url"] for a in read_jsonl(tmp_path / "live.jsonl"))
    assert expected == sorted(site.base + story for n, story in enumerate(stories, 1) if not 3 <= n <= 6)
    proc, articles, stats = replay(tmp_path, str(tmp_path / "archive"), "-a", f"sites={sites}",
                                   "-s", "NEWSCRAWL_EXTRACT_WORKERS=0")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(a["url"] for a in articles) == expected
    assert {a["site"] for a in articles} == {"d"}
    assert stats["newscrawl/site/d/skipped_denied"] == 4


def test_a_damaged_file_is_one_line_with_its_offset_and_the_next_file_goes_on(tmp_path):
    folder = tmp_path / "warcs"
    folder.mkdir()
    offsets = build_ccnews(folder / "a.warc.gz")
    data = (folder / "a.warc.gz").read_bytes()
    torn_at = offsets[2][0]
    (folder / "a.warc.gz").write_bytes(data[:torn_at + 400])  # the third article torn
    (folder / "b.warc").write_bytes(b"this is not a WARC file\r\n")
    build_ccnews(folder / "c.warc.gz")
    (folder / "d.warc.gz").write_bytes(b"")
    proc, articles, stats = replay(tmp_path, str(folder))
    # what could be read is written; the run says its input was damaged (exit 1, not a clean 0)
    assert proc.returncode == 1, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if "] ERROR: " in line]
    assert len(errors) == 3, errors
    assert f"damaged WARC file {folder / 'a.warc.gz'} at offset {torn_at}: " in errors[0]
    assert "truncated" in errors[0] and "the rest of this file is skipped" in errors[0]
    assert f"cannot replay {folder / 'b.warc'}: not a WARC file" in errors[1]
    assert f"WARC file {folder / 'd.warc.gz'} is empty" in errors[2]
    assert "Traceback" not in proc.stderr
    files = {a["warc"]["file"].rsplit("/", 1)[1] for a in articles}
    # every article once: a's records before the tear and all of c's were replayed (the workers
    # may finish c's copy of an article before a's, so which file a record names may vary)
    assert len(articles) == len(CHOSEN) and files <= {"a.warc.gz", "c.warc.gz"}, files
    assert stats["newscrawl/replay/records"] > 6  # more than c's six alone
    assert stats["newscrawl/errors/damaged_warc"] == 3
    # each damage counted once, by its reason (its ERROR line is not a second, unexplained error)
    assert "summary: errors: damaged_warc=3\n" in proc.stderr


def test_a_replay_that_reads_no_record_says_so(tmp_path):
    (tmp_path / "b.warc").write_bytes(b"this is not a WARC file\r\n")
    proc, articles, _ = replay(tmp_path, str(tmp_path / "b.warc"))
    assert proc.returncode == 1 and articles == []
    assert "0 pages read from WARC files in" in proc.stderr and "pages fetched" not in proc.stderr
    assert "summary: errors: damaged_warc=1\n" in proc.stderr


def test_a_damaged_record_costs_only_itself(tmp_path):
    """Each record of a .warc.gz is its own gzip member: past a damaged one, reading goes on at
    the next intact record, and the line says where."""
    offsets = build_ccnews(tmp_path / "cc.warc.gz")
    data = bytearray((tmp_path / "cc.warc.gz").read_bytes())
    start, end = offsets[2][0], offsets[3][0]  # the third article's record, one gzip member
    data[start + (end - start) // 2:start + (end - start) // 2 + 8] = b"\x00" * 8
    (tmp_path / "cc.warc.gz").write_bytes(bytes(data))
    # an archive folder asked for by habit: a replay fetches nothing, so it is one warning, unused
    proc, articles, stats = replay(tmp_path, str(tmp_path / "cc.warc.gz"), "-s", f"NEWSCRAWL_ARCHIVE={tmp_path / 'arch'}")
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "NEWSCRAWL_ARCHIVE is not used in a replay" in proc.stderr and not (tmp_path / "arch").exists()
    errors = [line for line in proc.stderr.splitlines() if "] ERROR: " in line]
    assert len(errors) == 1, errors
    assert f"at offset {start}: broken gzip data" in errors[0] and f"replay goes on at offset {end}" in errors[0]
    assert sorted(a["url"] for a in articles) == sorted(url_of(n) for n in range(len(CHOSEN)) if n != 2)


def test_a_glob_names_the_files(tmp_path):
    build_ccnews(tmp_path / "one.warc.gz")
    build_ccnews(tmp_path / "two.warc.gz")
    (tmp_path / "other.txt").write_text("x")
    proc, articles, stats = replay(tmp_path, str(tmp_path / "*.warc.gz"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert stats["newscrawl/replay/records"] == 12
    assert len(articles) == len(CHOSEN)  # the second file's copies are duplicates
    assert stats["newscrawl/dropped/duplicate_url"] == len(CHOSEN)


@pytest.mark.parametrize(("args", "line"), [
    (["-a", "warc={tmp}/X.warc.gz", "-a", "url=https://example.com/"],
     "-a warc= and -a url= cannot be combined: a replay takes its pages from the archive; to keep "
     "only some sites' pages, give -a sites=FILE"),
    (["-a", "warc={tmp}/X.warc.gz", "-a", "article=https://example.com/a"],
     "-a warc= and -a article= cannot be combined"),
    (["-a", "warc={tmp}/missing.warc.gz"], "-a warc={tmp}/missing.warc.gz: no such file or folder; give a "
     ".warc or .warc.gz file, a folder of them, or a glob (quoted)"),
    (["-a", "warc={tmp}/*.warc"], "-a warc={tmp}/*.warc: the pattern matches no file"),
    (["-a", "warc={tmp}/empty"], "-a warc={tmp}/empty: the folder holds no .warc or .warc.gz file"),
])
def test_arguments_a_replay_refuses_are_one_line_and_exit_2(tmp_path, args, line):
    (tmp_path / "X.warc.gz").write_bytes(b"")
    (tmp_path / "empty").mkdir()
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = run_scrapy(["crawl", "site", *args, "-O", str(tmp_path / "out.jsonl")])
    assert proc.returncode == 2, proc.stderr
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and line.replace("{tmp}", str(tmp_path)) in lines[0], lines
    assert re.search(r"\bERROR\b", lines[0])


STORIES = [f"news/2024/05/d{n}/" for n in range(1, 6)]


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """A real archiving crawl of a site of five articles on 127.0.0.78 (its `.warc.gz` folder,
    digests and all), that archive as one plain `.warc`, and the live crawl's articles by URL."""
    tmp = tmp_path_factory.mktemp("archived")
    root = tmp / "site"
    for story in STORIES:
        (root / story).mkdir(parents=True)
        (root / story / "index.html").write_bytes(plain_article(story.split("/")[-2]))
    links = " ".join(f'<a href="/{story}">{story}</a>' for story in STORIES)
    (root / "index.html").write_text(f"<html><body><h1>Harbour Times</h1>{links}</body></html>", "utf-8")
    with serve_site(root, host="127.0.0.78") as site:
        proc = run_scrapy(["crawl", "site", "-a", f"url={site.base}", "-O", str(tmp / "live.jsonl"),
                           "-s", f"NEWSCRAWL_ARCHIVE={tmp / 'archive'}", "-s", "NEWSCRAWL_STATE=off", *FAST])
    assert proc.returncode == 0, proc.stderr[-3000:]
    live = {a["url"]: a for a in read_jsonl(tmp / "live.jsonl")}
    assert len(live) == len(STORIES)
    plain = b"".join(gzip.decompress(p.read_bytes()) for p in sorted((tmp / "archive").glob("*.warc.gz")))
    (tmp / "plain.warc").write_bytes(plain)
    return tmp, site.base, live


def same_articles(articles: list[dict], live: dict[str, dict]) -> None:
    """Each article as the live crawl wrote it, but for when and where it was read."""
    for article in articles:
        expected = {k: v for k, v in live[article["url"]].items() if k not in ("fetched_at", "warc")}
        assert {k: v for k, v in article.items() if k not in ("fetched_at", "warc")} == expected


def response_record(data: bytes, url: str) -> int:
    """The offset of the response record of `url` in a `.warc`'s bytes."""
    for found in re.finditer(f"WARC-Target-URI: {url}\r\n".encode(), data):
        start = data.rindex(b"WARC/1.1\r\n", 0, found.start())
        if b"WARC-Type: response\r\n" in data[start:data.index(b"\r\n\r\n", start)]:
            return start
    raise AssertionError(f"no response record of {url}")


def damaged_copy(tmp: Path, url: str, damage, gzipped: bool) -> tuple[Path, int]:
    """The archive as one file (`.warc.gz`, a member per record, or `.warc`) with `damage`
    done to the response record of `url`; the path and that record's offset."""
    plain = (tmp / "plain.warc").read_bytes()
    starts = [m.start() for m in re.finditer(rb"(?<=\r\n\r\n)WARC/1\.1\r\n", plain)]
    target = response_record(plain, url)
    parts, offset = [], 0
    for start, end in zip([0, *starts], [*starts, len(plain)], strict=True):
        record = plain[start:end]  # with the blank lines that end it
        if start == target:
            offset = sum(map(len, parts))
            record = damage(record)
        parts.append(gzip.compress(record) if gzipped else record)
    path = tmp / f"damaged-{len(list(tmp.glob('damaged-*')))}.warc{'.gz' if gzipped else ''}"
    path.write_bytes(b"".join(parts))
    return path, offset


def bit_rot(record: bytes) -> bytes:
    """The same length, a few letters changed: in the headline and the last paragraph."""
    rotted = record.replace(b"<h1>Harbour report d3", b"<h1>Harbour rePort d3").replace(
        b"End of report d3.", b"End of rePort d3.")
    assert len(rotted) == len(record) and rotted != record
    return rotted


def shrunk_length(record: bytes) -> bytes:
    """Content-Length lowered by 500: the record seems to end inside its page."""
    length = int(re.search(rb"\r\nContent-Length: (\d+)\r\n", record).group(1))
    return record.replace(b"\r\nContent-Length: %d\r\n" % length, b"\r\nContent-Length: %d\r\n" % (length - 500), 1)


@pytest.mark.parametrize("gzipped", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("damage", [bit_rot, shrunk_length], ids=["bit_rot", "shrunk_length"])
def test_a_record_that_fails_its_digest_is_dropped_with_one_line(archived, tmp_path, damage, gzipped):
    """Bit rot or a wrong Content-Length in one response record: its digest does not match, so
    that record alone is not replayed (one line naming the file, offset and URL; damaged_warc;
    exit 1), never a wrong article; every other record is replayed as the live crawl wrote it."""
    tmp, base, live = archived
    damaged_url = base + STORIES[2]
    path, offset = damaged_copy(tmp, damaged_url, damage, gzipped)
    proc, articles, stats = replay(tmp_path, str(path))
    assert proc.returncode == 1, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if "] ERROR: " in line]
    assert len(errors) == 1, errors
    assert f"damaged WARC file {path} at offset {offset}: the record of {damaged_url} does not match its " \
           "WARC-Block-Digest" in errors[0] and "replay goes on at offset " in errors[0], errors[0]
    assert sorted(a["url"] for a in articles) == sorted(url for url in live if url != damaged_url)
    same_articles(articles, live)
    assert stats["newscrawl/errors/damaged_warc"] == 1
    assert "summary: errors: damaged_warc=1\n" in proc.stderr and "Traceback" not in proc.stderr


def test_an_intact_archive_replays_as_before_and_records_without_digests_are_not_checked(archived, tmp_path):
    """The crawl's own archive (every record with its digests) and its plain copy replay every
    article as the live crawl wrote it, exit 0; a record without digest headers (as some
    writers leave them out) cannot be checked and is replayed as read."""
    tmp, base, live = archived
    for source, name in ((tmp / "archive", "gz"), (tmp / "plain.warc", "plain")):
        proc, articles, stats = replay(tmp_path, str(source), name=name)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert sorted(a["url"] for a in articles) == sorted(live)
        same_articles(articles, live)
        assert not [k for k in stats if k.startswith("newscrawl/errors/")]

    def undigested(record: bytes) -> bytes:
        return re.sub(rb"\r\nWARC-(Block|Payload)-Digest: [^\r]*", b"", bit_rot(record))

    path, _ = damaged_copy(tmp, base + STORIES[2], undigested, gzipped=False)
    proc, articles, stats = replay(tmp_path, str(path), name="undigested")
    assert proc.returncode == 0, proc.stderr[-3000:]
    rotted = {a["url"]: a for a in articles}[base + STORIES[2]]
    assert "rePort d3" in rotted["body"]
    assert not [k for k in stats if k.startswith("newscrawl/errors/")]


def test_a_warc_date_without_its_z_is_utc_not_the_machines_local_time(monkeypatch):
    """A WARC-Date is UTC. One written without the "Z" (a tool that leaves it off) was read as
    the machine's local time: the record's fetched_at, and the moment its page is read as of,
    moved with the time zone of the machine replaying it."""
    import time
    from datetime import UTC, datetime

    from newscrawl.crawl.spider import fetched_at

    try:
        monkeypatch.setenv("TZ", "America/Los_Angeles")
        time.tzset()
        naive = fetched_at(("x.warc.gz", 0, "<urn:uuid:1>", "2024-05-03T10:00:00"))
        zulu = fetched_at(("x.warc.gz", 0, "<urn:uuid:1>", "2024-05-03T10:00:00Z"))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert naive == zulu == datetime(2024, 5, 3, 10, tzinfo=UTC)
