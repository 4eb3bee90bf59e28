"""WARC archives: what a crawl fetched, written as WARC/1.1 (writer.py), and WARC files read
back record by record for replay (reader.py). Plain library code on warcio: no Scrapy here."""

from newscrawl.archive.reader import ArchivedResponse, DamagedArchive, responses, warc_files
from newscrawl.archive.writer import ArchiveError, ArchiveWriter, Exchange, Written, recover_folder

__all__ = ["ArchiveError", "ArchiveWriter", "ArchivedResponse", "DamagedArchive", "Exchange",
           "Written", "recover_folder", "responses", "warc_files"]
