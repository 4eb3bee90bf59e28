"""The body's last text step (newscrawl/extract/endings.py): interface labels anywhere, and the
blocks pages print after the article's last paragraph."""

from __future__ import annotations

from newscrawl.extract.endings import clean_endings
from newscrawl.extract.rules import disabled

PARAGRAPH = "A real paragraph of the article that says something about the news of the day. " * 3


def test_comment_form_and_trailing_related_block_go():
    body = "\n\n".join([PARAGRAPH, "Second real paragraph.", "Related news", "Some other story",
                        "Another story", "LEAVE A REPLY", "Please enter your comment!",
                        "Please enter your name here"])
    assert clean_endings(body) == PARAGRAPH + "\n\nSecond real paragraph."


def test_a_themes_own_phrases_are_text_wherever_the_theme_is_not():
    # one theme's form warnings go by its markup (the tagDiv profile), not by their words: a help
    # page quoting the message keeps it
    quoted = "You have entered an incorrect email address!"
    body = "\n\n".join([PARAGRAPH, "The form then says:", quoted, PARAGRAPH])
    assert clean_endings(body) == body


def test_a_real_paragraph_after_a_heading_is_never_cut():
    body = "\n\n".join([PARAGRAPH, "Read more", PARAGRAPH + " It continues at length, well past any teaser."])
    assert clean_endings(body) == body


def test_share_labels_go_anywhere_and_each_rule_can_be_switched_off():
    body = "\n\n".join([PARAGRAPH, "Share", PARAGRAPH, "LEAVE A REPLY"])
    assert clean_endings(body) == PARAGRAPH + "\n\n" + PARAGRAPH
    with disabled("interface-lines"):
        assert clean_endings(body) == body


def test_the_last_line_is_never_a_bare_date():
    for closing in ["Feb 2, 2023", "Last reviewed January 2023", "Updated: 12 May 2024", "2023-04-05"]:
        assert clean_endings(PARAGRAPH + "\n\n" + closing) == PARAGRAPH, closing
    assert clean_endings("\n\n".join([PARAGRAPH, "May 3, 2024", "June 1, 2024"])) == PARAGRAPH


def test_closing_lines_of_the_article_itself_stay():
    for closing in ["The vote is set for 12 May 2025, two weeks after the hearings close in the capital.",
                    "Mark D.", "Related Posts:", "Sign up for our newsletter!"]:
        body = PARAGRAPH + "\n\n" + closing
        assert clean_endings(body) == body, closing
    assert clean_endings("May 3, 2024") == "May 3, 2024"  # never empty


def test_a_layout_note_is_interface():
    body = "\n\n".join([PARAGRAPH, "Story continues below advertisement", PARAGRAPH])
    assert clean_endings(body) == PARAGRAPH + "\n\n" + PARAGRAPH


def test_a_closing_bio_of_the_author_is_cut_and_other_closings_are_kept():
    bio = "Rosa Lind is a freelance writer in Oslo who covers housing and transport."
    body = "\n\n".join([PARAGRAPH, "Second real paragraph.", bio])
    assert clean_endings(body, ["Rosa Lind"]) == PARAGRAPH + "\n\nSecond real paragraph."
    # not an author of this article, a first name alone, or a name inside a longer word: kept
    assert clean_endings(body, ["Ann Lee"]) == body
    assert clean_endings(body, ["Rosa"]) == body
    assert clean_endings(body.replace("Rosa Lind is", "Rosa Lindgren is"), ["Rosa Lind"]).endswith("housing and transport.")
    # the article's own text never goes: a body that is only the bio stays
    assert clean_endings(bio, ["Rosa Lind"]) == bio


def test_a_korean_reporters_signature_closes_nothing_of_the_text():
    # "김민수 기자 minsu@...": the author's name written without a space is a full name too
    signature = "김민수 기자 minsu@hangyeol.co.kr"
    body = "\n\n".join([PARAGRAPH, "서울시 관계자는 시민들의 이동 편의를 높일 것이라고 말했다.", signature])
    assert clean_endings(body, ["김민수"]) == "\n\n".join([PARAGRAPH, "서울시 관계자는 시민들의 이동 편의를 높일 것이라고 말했다."])
    # one character is no full name: "김" opens many Korean sentences
    assert clean_endings("\n\n".join([PARAGRAPH, "김 위원장은 말했다."]), ["김"]).endswith("김 위원장은 말했다.")
    with disabled("trailing-author-bio"):
        assert clean_endings(body, ["김민수"]).endswith(signature)


def test_a_cut_bios_heading_goes_with_it():
    # a stranger's press release, credited to its issuer: "About Cascade Health Systems" was left
    # as the body's last line once the issuer's blurb under it was cut
    blurb = "Cascade Health Systems is a nonprofit health system based in Bellevue, Washington."
    body = "\n\n".join([PARAGRAPH, "Second real paragraph.", "About Cascade Health Systems", blurb])
    assert clean_endings(body, ["Cascade Health Systems"]) == PARAGRAPH + "\n\nSecond real paragraph."
    about = "\n\n".join([PARAGRAPH, "Second real paragraph.", "About the author", "Rosa Lind writes from Oslo."])
    assert clean_endings(about, ["Rosa Lind"]) == PARAGRAPH + "\n\nSecond real paragraph."
    # no bio cut: a short last-but-one line that names the author stays
    kept = "\n\n".join([PARAGRAPH, "About Rosa Lind", "The council meets again in May."])
    assert clean_endings(kept, ["Rosa Lind"]) == kept
    with disabled("trailing-author-bio"):
        assert clean_endings(body, ["Cascade Health Systems"]) == body


def test_a_share_bars_label_and_networks_on_one_line_go_and_a_sentence_naming_them_stays():
    sentence = "Facebook announced on Monday that X and Email would be merged."
    body = "\n\n".join([PARAGRAPH, "Share this article: Facebook X Email", sentence, "Facebook, Twitter, LinkedIn"])
    assert clean_endings(body) == PARAGRAPH + "\n\n" + sentence


def test_the_sites_copyright_notice_closing_the_body_goes_and_only_there():
    notice = "© 2026 The Coastal Gazette. All rights reserved."
    bio = "Jane Doe covers the council for the Gazette."
    body = "\n\n".join([PARAGRAPH, "Copyright law was the subject of the hearing.", PARAGRAPH, bio, notice])
    assert clean_endings(body, ["Jane Doe"]) == "\n\n".join([PARAGRAPH, "Copyright law was the subject of the hearing.", PARAGRAPH])
    last = "Copyright law, she said, would have to change."  # the article's own last sentence
    assert clean_endings(PARAGRAPH + "\n\n" + last) == PARAGRAPH + "\n\n" + last
    with disabled("trailing-copyright"):
        assert clean_endings(body, ["Jane Doe"]) == body
