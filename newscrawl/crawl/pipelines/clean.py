"""Text-level safety net for pages without a profile: strip comment forms, share labels and
trailing "Latest news"-style blocks from the body, never a real paragraph."""

from __future__ import annotations

import re

from scrapy import Spider
from scrapy.crawler import Crawler

from newscrawl.items import Article

# whole lines that are a comment form's or a share bar's labels, in the languages we meet most
FORM_LINES = re.compile(
    r"^(?:leave a (?:reply|comment)|please enter your (?:comment|name here)!?|"
    r"you have entered an incorrect email address!?|save my name, email, and website in this browser.*|"
    r"post comment|cancel reply|por favor ingrese su comentario!?|por favor ingrese su nombre aqu[ií]|"
    r"deja una respuesta|hinterlasse einen kommentar|kommentar hinterlassen|"
    r"laisser un commentaire|lascia un commento|reply|comments?)$",
    re.IGNORECASE,
)
SHARE_LINES = re.compile(
    r"^(?:share(?: this)?(?: article| story| post)?:?|(?:share on )?(?:facebook|twitter|x|whatsapp|"
    r"pinterest|linkedin|telegram|email|e-mail|print|reddit|copy link|tweet)|teilen|compartir)$",
    re.IGNORECASE,
)
TRAILING_HEADINGS = re.compile(
    r"^(?:latest news|related news|related posts?|related articles?|more news|read more|"
    r"you may also like|you might also like|more from .{1,40}|recommended|popular posts?|"
    r"most read|trending|noticias relacionadas|más noticias|weitere artikel|das könnte sie auch interessieren|"
    r"lire aussi|à lire aussi|leggi anche)$",
    re.IGNORECASE,
)
# a trailing block is cut only if every line after its heading is short, like a list of headlines
MAX_TEASER_CHARS = 160


def clean_body(body: str) -> tuple[str, list[str]]:
    """The body without boilerplate lines and trailing blocks, and the reasons for each cut."""
    paragraphs = body.split("\n\n")
    reasons: list[str] = []
    kept = []
    for paragraph in paragraphs:
        text = paragraph.strip()
        if FORM_LINES.match(text):
            reasons.append("comment_form")
        elif SHARE_LINES.match(text):
            reasons.append("share_label")
        else:
            kept.append(paragraph)
    for index, paragraph in enumerate(kept):
        rest = kept[index + 1:]
        if TRAILING_HEADINGS.match(paragraph.strip()) and all(len(p) <= MAX_TEASER_CHARS for p in rest):
            reasons.append("trailing_block")
            kept = kept[:index]
            break
    return "\n\n".join(kept), reasons


class CleanPipeline:
    """Strips boilerplate text left in the body and counts every stripped block by reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def process_item(self, item: Article, spider: Spider | None = None) -> Article:
        if not isinstance(item, Article) or not item.body:
            return item
        item.body, reasons = clean_body(item.body)
        for reason in reasons:
            self.stats.inc_value(f"newscrawl/cleaned/{reason}")
        return item
