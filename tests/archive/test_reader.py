"""The WARC reader on real files: gzip per record and plain `.warc`, the offset of a record that
does not end, and memory that does not grow with the file."""

from __future__ import annotations

import gzip
import tracemalloc

import pytest

from benchmarks.ccnews import build_warc, fixture_pages
from newscrawl.archive.reader import DamagedArchive, next_member, read_record, responses, warc_files


@pytest.fixture(scope="module")
def cc_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("reader") / "cc.warc.gz"
    build_warc(path, 600, sites=7, pages=fixture_pages())
    return path


def test_every_response_is_found_with_the_offset_it_is_read_back_from(cc_file):
    found = list(responses(str(cc_file)))
    assert len(found) == 600 and len({r.url for r in found}) == 600
    assert all(r.url.startswith("https://www.site") for r in found)  # angle brackets taken off
    record, _ = read_record(str(cc_file), found[123].offset)
    assert record.rec_headers.get_header("WARC-Record-ID") == found[123].record_id
    assert b"<html" in record.content_stream().read(2000).lower()


def test_a_plain_warc_reads_the_same_and_a_truncated_one_names_the_offset(cc_file, tmp_path):
    plain = tmp_path / "cc.warc"
    plain.write_bytes(gzip.decompress(cc_file.read_bytes()))  # the members, one after another
    gzipped = list(responses(str(cc_file)))
    found = list(responses(str(plain)))
    assert [r.record_id for r in found] == [r.record_id for r in gzipped]
    record, _ = read_record(str(plain), found[5].offset)
    assert record.rec_headers.get_header("WARC-Target-URI").strip("<>") == found[5].url
    plain.write_bytes(plain.read_bytes()[:found[7].offset + 900])
    with pytest.raises(DamagedArchive) as damaged:
        list(responses(str(plain)))
    assert damaged.value.offset == found[7].offset and "truncated" in damaged.value.reason


def test_reading_a_file_holds_one_record_at_a_time(cc_file):
    size = cc_file.stat().st_size
    assert size > 20_000_000
    tracemalloc.start()
    try:
        count = 0
        for found in responses(str(cc_file)):
            record, _ = read_record(found.file, found.offset)
            record.content_stream().read()
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 600
    assert peak < 5_000_000, f"{peak} bytes at once for a {size}-byte file"


@pytest.mark.parametrize("before_boundary", [0, 1, 2])
def test_a_record_ending_at_or_just_before_a_read_boundary_is_followed_by_the_next(tmp_path, before_boundary):
    import io

    from newscrawl.archive.reader import CHUNK, iter_raw_records

    # stored (level 0) gzip of random bytes: 18 bytes of header and trailer, 5 per block
    first = gzip.compress(b"WARC/1.1\r\n" + bytes(CHUNK - 33 - before_boundary), compresslevel=0)
    assert len(first) == CHUNK - before_boundary
    second = gzip.compress(b"WARC/1.1\r\nsecond")
    found = list(iter_raw_records(io.BytesIO(first + second + b"\r\n"), gzipped=True))
    assert [(offset, length) for offset, length, _ in found] == [(0, len(first)), (len(first), len(second))]
    assert found[1][2] == b"WARC/1.1\r\nsecond"


def test_the_next_intact_record_is_found_past_damage(cc_file, tmp_path):
    found = list(responses(str(cc_file)))
    data = bytearray(cc_file.read_bytes())
    damaged_at, next_at = found[3].offset, found[4].offset
    data[damaged_at + 40:damaged_at + 48] = b"\x00" * 8
    # a gzip member that holds no WARC record is not taken for the next record
    stray = gzip.compress(b"not a record")
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(bytes(data[:next_at]) + stray + bytes(data[next_at:]))
    told: list[DamagedArchive] = []
    after = list(responses(str(path), on_damage=told.append))
    assert [(d.offset, d.resumed_at) for d in told] == [(damaged_at, next_at + len(stray))]
    assert [r.record_id for r in after] == [r.record_id for r in found if r.offset != damaged_at]
    with open(path, "rb") as handle:
        assert next_member(handle, len(data) + len(stray)) is None  # past the last record


def test_a_folder_with_only_a_killed_crawls_open_file_says_how_to_replay_it(tmp_path):
    (tmp_path / "newscrawl-20240501120000123-00000.warc.gz.open").write_bytes(b"")
    with pytest.raises(ValueError) as refused:
        warc_files(str(tmp_path))
    assert "holds no .warc or .warc.gz file (1 .open file(s)" in str(refused.value)
    assert f"-a warc={tmp_path}/newscrawl-20240501120000123-00000.warc.gz.open" in str(refused.value)
