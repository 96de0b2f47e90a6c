"""Remove web noise from a scraped article, line by line, and recognise
title / byline / dateline / source.

Every rule here works on the SHAPE of a line (how much of it is Arabic, how
many Latin/digit tokens it has, whether it starts with a marker phrase, how
it is separated, where it sits in the article), never on one page's exact
strings, so unseen pages from the same kinds of sites are cleaned too.

Marker phrases are matched on a normalised form (no diacritics or tatweel,
one alef, ى -> ي, ة -> ه, no bidi marks, lower case) so that spelling
variants such as ايضا / أيضاً / أيضًا all match one entry.

Contract: ``body_clean`` keeps the article's lines with their original
characters (each line only stripped of leading/trailing whitespace); every
other non-blank input line is listed once in ``removed`` with a reason code.
Cuts inside a kept line are allowed, and the kept part is always a
contiguous piece of the original line: a dateline / credit prefix of the lede
("بكين (أ ف ب) – ", "ماجد الرفاعي- سبق- جدة: ") is cut off and goes into
``dateline`` / ``source_name`` / ``byline``; a share widget or gallery
navigation glued before a paragraph ("شارك من خلال تويتر فيسبوك ... اكتب
رأيك ", "Next Previous ") and a footer glued after the last sentence ("...
رابط الخبر بصحيفة الوئام: <headline>") are cut off and listed in ``removed``
with the line's number and the cut-off text only (a cut dateline prefix too,
with reason ``dateline``), so such a line number appears both in the body and
in ``removed``, and the line is its removed pieces plus its kept piece.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["RemovedLine", "CleanedArticle", "clean_article", "normalize_marker"]


@dataclass(frozen=True)
class RemovedLine:
    line_no: int  # 1-based line number in the input text
    reason: str  # image_caption, hex_hash, related_link, ticker, widget, footer,
    #              separator, repeated_title, author_bio, byline, dateline, title,
    #              credit (a translator's credit or a translation note:
    #              "نقلته إلى العربية: بتول دياب", "أدناه نص المقال منقولاً إلى
    #              العربية:"; author credits such as "إعداد: منى حسن" are byline)
    text: str  # the original line (for a cut-off widget / footer: the cut-off text)


@dataclass(frozen=True)
class CleanedArticle:
    title: str | None
    byline: str | None
    dateline: str | None  # the place, e.g. بكين
    source_name: str | None  # the outlet / agency, e.g. أ ف ب
    body_clean: str
    removed: tuple[RemovedLine, ...]
    title_from_body: bool = False  # no title line: the title is the body's first sentence, not text of its own


# --------------------------------------------------------------------------
# normalisation (for matching only; the output keeps the original characters)
# --------------------------------------------------------------------------

_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670\u0640"  # harakat, superscript alef, tatweel
_NORM_TABLE = str.maketrans(
    {
        **{c: None for c in _INVISIBLE + _DIACRITICS},
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
        "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك",  # Persian ya/kaf seen in scraped Arabic
        "\xa0": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
    }
)
_SPACES = re.compile(r"\s+")


def normalize_marker(text: str) -> str:
    """Normalised form used to compare lines and match marker phrases."""
    return _SPACES.sub(" ", text.translate(_NORM_TABLE)).strip().lower()


_KEY_DROP = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """Whitespace/punctuation/diacritic-insensitive key (repeated-title test)."""
    return _KEY_DROP.sub("", normalize_marker(text))


def _row_key(row: list) -> str:
    """``_key`` of a row's line, from its normalised form when it has one."""
    return _KEY_DROP.sub("", row[2]) if row[2] else _key(row[1])


# --------------------------------------------------------------------------
# character classes and shape measures
# --------------------------------------------------------------------------

_AR_LETTER = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06F0-\u06F9]")
_WORDCHAR = re.compile(r"[^\W_]")  # any letter or digit in any script
_SENTENCE_PUNCT = re.compile(r"[.!?؟،,؛;]")
_LEADING_BULLETS = re.compile(r"^[\s*•·»«>|\-–—_#]+")


_BULLET_START = frozenset(" *•·»«>|-–—_#\t\n\r\f\v")


def _strip_bullets(norm: str) -> str:
    """Footer/widget lines are often decorated (`** جميع...`, `» اقرأ`)."""
    if not norm or norm[0] not in _BULLET_START:
        return norm  # the common case, without a regex call
    return _LEADING_BULLETS.sub("", norm)


# --------------------------------------------------------------------------
# noise shapes, one function each; each returns True when the line is noise
# --------------------------------------------------------------------------

def _is_separator(line: str) -> bool:
    # ___ / ----- / *** / ××× / a line of bidi marks: nothing to read at all.
    return _WORDCHAR.search(line.replace("×", "")) is None


_HEX_HASH = re.compile(
    r"(?:[0-9a-f]{16,128}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", re.I
)


def _is_hex_hash(line: str) -> bool:
    # A CMS id / md5 / uuid that leaked into the page: one long hex token
    # with both digits and a-f letters (so plain numbers are not hashes).
    return (
        _HEX_HASH.fullmatch(line) is not None
        and re.search(r"\d", line) is not None
        and re.search(r"[a-f]", line, re.I) is not None
    )


# Runs of 3+ spaces (no-break spaces included) or a tab separate the
# headlines of a news ticker; article paragraphs never contain them.
_TICKER_GAP = re.compile(r"(?:[ \xa0\u2009\u202f]{3,}|\t+)")
_TICKER_BAR = re.compile(r"\s[|•·]\s")


def _headline_run(parts: list[str], max_avg: int) -> bool:
    """Several short pieces, most of them not closed by a full stop.

    Paragraphs glued together with runs of no-break spaces, or a bulleted
    how-to list, also split into pieces, but those pieces are sentences.
    """
    if len(parts) < 4 or sum(map(len, parts)) / len(parts) > max_avg:
        return False
    open_ended = sum(1 for p in parts if not p.rstrip().endswith((".", "!", "؟", "?", ":")))
    return open_ended >= 0.7 * len(parts)


# "1- ...  2- ...  3- ..." : the enumerators of a numbered list run in the line
_ENUMERATOR = re.compile(r"(?:^|\s)(\d{1,2})\s*[-.)]\s*(?=\D)")
_BULLETS = "•·*-–"


def _is_inline_list(line: str, parts: list[str]) -> bool:
    """A list written on one line (a ranking, a numbered or bulleted list, the
    verses of a poem) is article content: its items are numbered 1-, 2-, 3-
    ..., or the line opens with its bullet, or a piece introduces the others
    with a colon ("وفيما يلي أبيات القصيدة:")."""
    if line[0] in _BULLETS or any(p.rstrip().endswith((":", "：")) for p in parts[:-1]):
        return True
    nums = [int(m.group(1)) for m in _ENUMERATOR.finditer(line)]
    return sum(1 for a, b in zip(nums, nums[1:]) if b == a + 1) >= 2


# punctuation a prose paragraph uses (the ellipsis and the colon included)
_PROSE_PUNCT = re.compile(r"[.!?؟،,؛;:…]")


def _loops(line: str) -> bool:
    """The line repeats itself: a scrolling ticker's markup holds its
    headlines twice or more, so most of its 4-word runs occur again.  A
    paragraph or a poem, however long, hardly repeats a 4-word run."""
    toks = line.split()
    if len(toks) < 30:
        return False
    grams = list(zip(toks, toks[1:], toks[2:], toks[3:]))
    return len(set(grams)) < 0.55 * len(grams)


def _is_ticker(line: str) -> bool:
    # A ticker is a run of short headline pieces.  Its pieces are cut by
    # runs of spaces / tabs or by " | ", " • "; without such separators a
    # long line with no punctuation is a ticker only when it loops (repeats
    # its headlines).  A long paragraph or poem without punctuation (seen in
    # real columns: "سأتوقف غداً في إجازة قصيرة أعود بعدها إن شاء الله ...")
    # is prose: its pieces are not cut and it does not repeat itself.
    if len(line) < 120:
        return False
    for rx, max_avg in ((_TICKER_GAP, 200), (_TICKER_BAR, 120)):
        parts = [p for p in rx.split(line) if p.strip()]
        if _headline_run(parts, max_avg) and not _is_inline_list(line, parts):
            return True
    return len(line) > 400 and _PROSE_PUNCT.search(line) is None and _loops(line)


_RELATED_MARKERS = re.compile(
    r"""^(?:
        اقرا\s*(?:ايضا|كذلك|المزيد|ايضاً)?\s*[:：\-–]   # اقرأ: / اقرأ أيضا:
      | اقرا\s+(?:ايضا|كذلك|المزيد)\b                   # اقرأ أيضا <headline>
      | (?:شاهد|طالع|تابع|اطلع)\s+(?:ايضا|كذلك)\b
      | (?:شاهد|طالع)\s*[:：]
      | شاهد\s+(?:بالفيديو|الفيديو|بالصور)\b
      | للمزيد\s*[:：\-–|]
      | للمزيد\s+(?:اقرا|طالع|شاهد|اضغط|انقر|زوروا|تابع|اطلع)
      | (?:مواضيع|موضوعات|اخبار|مقالات)\s+(?:ذات\s+صله|متعلقه|مشابهه|مرتبطه)
      | ذات\s+صله\s*[:：]
      | اخترنا\s+لك
      | (?:اطلع|اطلعوا|تابع|تابعوا|طالع|طالعوا)\s+(?:علي\s+)?(?:ملفنا|تغطيتنا|صفحتنا|ملف\s+\S+\s+الخاص)   # the outlet's own coverage
      | read(?:\s+(?:more|also))?(?:\s|[:：\-–]|$)
      | also\s+read\b | see\s+also\b | related(?:\s+(?:articles?|stories|news))?\s*[:：]
      | (?:a\s+)?lire\s+aussi\b | ا\s+lire\b
    )""",
    re.X,
)
_RELATED_BARE = re.compile(
    r"^(?:اقرا|شاهد|طالع|للمزيد|read|related|lire)[^\n]{0,20}?[:：]?\s*$"
)


def _is_related_link(norm: str) -> bool:
    # "READ <headline>", "اقرأ أيضا: <headline>", "شاهد ايضاً: <headline>": the
    # marker starts the line and the rest is another story's headline.
    n = _strip_bullets(norm)
    return len(n) <= 250 and _RELATED_MARKERS.match(n) is not None


_READ_MARKER = re.compile(r"^\W*(?:read|also\s+read|see\s+also)\b", re.I)


def _is_latin_read_more(line: str) -> bool:
    """"Read more about ..." in Latin letters only, however long: in an Arabic article an English
    line opened by a read marker is another story's headline or teaser, never the article's text."""
    return _READ_MARKER.match(line) is not None and _AR_LETTER.search(line) is None


def _is_bare_related_marker(norm: str) -> bool:
    """`اقرأ أيضاً:` alone: the related headlines follow on their own lines."""
    n = _strip_bullets(norm)
    return len(n) <= 30 and _RELATED_MARKERS.match(n) is not None and _RELATED_BARE.match(n) is not None


_WIDGET_MARKERS = re.compile(
    r"""^(?:
        (?:ربما|قد)\s+(?:يعجبك|يهمك|تعجبك)
      | يعجبك\s+ايضا
      | شكرا\s+(?:لك\s+)?علي\s+الابلاغ
      | سيتم\s+حجب\s+هذه
      | الابلاغ\s+عن\s+(?:خطا|محتوي|تعليق)
      | (?:شارك|شاركوا|شاركي)\s+(?:هذا|هذه|المقال|الخبر|الموضوع|علي|عبر|من\s+خلال)
      | شاركها | مشاركه\s+(?:عبر|علي) | شارك(?:\s*[:：]|$)
      | (?:تابعونا|تابعنا|تابعوا)\s+(?:علي|عبر|في)
      | (?:اشترك|اشتركوا|اشتركي)\s+(?:الان|مجانا|في\s+(?:نشرتنا|النشره|قناتنا|خدمه)|ب)
      | (?:يمكنكم|يمكنك)\s+(?:استلام|تسلم|متابعه|تحميل|الاشتراك)
      | (?:حمل|حملوا|نزل|نزلوا|حمّل)\s+(?:تطبيق|التطبيق)
      | الاكثر\s+(?:قراءه|مشاهده|تداولا|شعبيه)
      | (?:اضف|اترك|اكتب)\s+(?:تعليقا|تعليقك|تعليق)
      | (?:ال)?تعليقات\s*(?:[:：(]|$)
      | (?:\.{2,}|…)\s*المزيد\s*$ | المزيد\s*(?:\.{2,}|…)\s*$                # "...المزيد" (read more)
      | (?:كلمات\s+دلاليه|الكلمات\s+المفتاحيه|الوسوم|وسوم)\s*(?:[:：]|$)
      | (?:اخر\s+تحديث|تاريخ\s+النشر|نشر\s+(?:في|بتاريخ)|تم\s+النشر)\s*[:：]?
      | (?:اعلان|مساحه\s+اعلانيه)\s*$
      | (?:share|tweet|email|print)(?:\s+(?:this|on|via|article))?\s*[:：]?\s*$
      | follow\s+us | subscribe\b | sign\s+up\b | advertisement\b | tags\s*[:：]
      | (?:leave\s+a\s+)?comments?\s*(?:[:：(]|$)
    )""",
    re.X,
)


def _is_widget(norm: str) -> bool:
    # Site furniture: "ربما يعجبك أيضا", "شكرا على الإبلاغ!", share/follow/
    # subscribe buttons, app promos, "most read", tags, timestamps.  Short
    # lines only, so an article sentence that happens to start with one of
    # these words (rare) is not lost.
    n = _strip_bullets(norm)
    return len(n) <= 160 and _WIDGET_MARKERS.match(n) is not None


_FOOTER_START = re.compile(
    r"""^(?:
        (?:انقر|اضغط|اضغطوا|انقروا)\s+هنا
      | (?:لقراءه|لمتابعه)\s+(?:الخبر|المقال|الموضوع)\s+(?:من|في|علي)
      | (?:المصدر\s+الاصلي|رابط\s+المصدر|رابط\s+الخبر)
      | (?:جميع|كافه)\s+(?:الحقوق|المقالات\s+المنشوره)
      | حقوق\s+(?:النشر|الطبع|الملكيه)
      | الاراء\s+الوارده | المقال\s+يعبر\s+عن
      | (?:للتواصل|لمراسله|لمكاتبه|للاتصال)\s+(?:مع\s+|ب)?(?:الكاتب|الكاتبه|المحرر|المولف|الصحيفه)
      | للتواصل\s*[:：]? \s*(?:ارسل|ابعث|sms|عبر\s+البريد)
      | (?:تبدا|يبدا)\s+بالرمز | (?:\d+\s+)?(?:مسافه\s+)?ثم\s+(?:نص\s+)?الرساله\s*(?:الي)?\s*$
      | copyright\b | all\s+rights\s+reserved
      | click\s+here
    )""",
    re.X,
)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|جميع الحقوق محفوظه|all rights reserved", re.I)


_CONTACT = re.compile(r"^(?:للتواصل|لمراسله|لمكاتبه|للاتصال)\b")
# an e-mail address glued before a footer: "name@site.comللتواصل مع الكاتب ..."
_LEADING_EMAIL = re.compile(r"^[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z]{2,})+\s*")


def _is_footer(norm: str) -> bool:
    # "انقر هنا لقراءة الخبر من مصدره", copyright and opinion disclaimers,
    # "للتواصل مع الكاتب ارسل رسالة SMS تبدأ بالرمز ..." (contact the writer).
    n = _LEADING_EMAIL.sub("", _strip_bullets(norm))
    if len(n) > 200:
        return False
    return _FOOTER_START.match(n) is not None or _COPYRIGHT.search(n) is not None


_IMAGE_HINT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|bmp|tiff?|svg|heic)\b"  # file name
    r"|\b\d{2,5}\s*[x×]\s*\d{2,5}\b"  # size 1024x654
    r"|getty\s*images|shutterstock|istock|\bafp\b|\bepa\b|\breuters\b|alamy|\bimg\b|\bdsc\b",
    re.I,
)
_AR_CAPTION = re.compile(r"^\(?(?:ال)?صوره\s*(?:[:：)]|ارشيفيه|من|لـ|ل\s)|^(?:تصوير|مصدر\s+الصوره)\s*[:：]")


def _is_image_caption(line: str, norm: str, n_ar: int, n_lat: int, n_dig: int) -> bool:
    # Image file names and captions left by the scraper are runs of Latin and
    # digit tokens with no Arabic sentence: "SAVX1756 1200 1024x654 1",
    # "221004 Russia China Navy GettyImages 1347659875", "np file 147828".
    if n_lat + n_dig and n_ar == 0:
        tokens = line.split()
        if n_dig or _IMAGE_HINT.search(line) or len(tokens) <= 6:
            return True
        return False  # a longer Latin sentence with no digits: a quote, keep it
    # Mostly Latin/digits with an Arabic scrap plus a photo hint.
    if n_ar and n_ar < 0.25 * (n_ar + n_lat + n_dig) and _IMAGE_HINT.search(line):
        return True
    # Arabic captions: "صورة: رويترز", "(صورة أرشيفية)".
    return len(norm) <= 120 and _AR_CAPTION.match(_strip_bullets(norm)) is not None


_CAPTION_MAX = 250
_TOKEN_ONLY = re.compile(r"^(?:(?:#\S+|@\w+|https?://\S+|www\.\S+)\s*)+$", re.I)


def _is_link_or_hashtag_line(line: str) -> bool:
    # A line made only of hashtags / @handles / URLs is a tag or share widget.
    return _TOKEN_ONLY.match(line) is not None


_EMAIL_ONLY = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z]{2,})+\.?$")


# A clock time, as news agencies stamp their wires: "16:40 ت م" (Makkah
# time), "10:05 GMT", "9:30 ص".
_TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*(?:ت\s?م|ت\s?غ|ص|م|بتوقيت\s+\S+(?:\s+\S+)?|am|pm|gmt|utc))?"
_TIME_LINE = re.compile(rf"^{_TIME}(?:\s*n{{4}})?$")
# End-of-wire markers: "// انتهى //", "//انتهى//", "-يتبع-", "(انتهى)",
# the teleprinter "NNNN", each optionally followed by the wire's time stamp.
_WIRE_END = re.compile(
    rf"^(?:[/\\\-–—(\[]{{1,3}}\s*(?:انتهي|يتبع|تابع|النهايه|نهايه)\s*[/\\\-–—)\]]{{1,3}}|n{{4}})"
    rf"(?:\s*{_TIME})?(?:\s*n{{4}})?$"
)


def _is_wire_end(norm: str) -> bool:
    return len(norm) <= 40 and _WIRE_END.match(norm) is not None


# Share / follow widgets: a line made only of social-network names (and
# share/print/e-mail labels) with separators: "فيسبوك تويتر واتساب",
# "Facebook | Twitter | WhatsApp", "تويتر :".
_SOCIAL = (
    r"فيسبوك|فيس\s?بوك|تويتر|واتساب|واتس\s?اب|تيليجرام|تيليغرام|تلغرام|تليجرام|انستغرام|انستقرام|انستجرام"
    r"|يوتيوب|سناب\s?شات|سناب|لينكد\s?ان|جوجل\s?بلس|قوقل\s?بلس|ماسنجر|تيك\s?توك|بريد\s+الكتروني|ايميل"
    r"|طباعه|مشاركه|شارك|ارسل|facebook|twitter|whatsapp|telegram|instagram|youtube|snapchat|linkedin"
    r"|google\+?|pinterest|reddit|tumblr|messenger|tiktok|e-?mail|print|share|x"
)
_SOCIAL_ONLY = re.compile(rf"^(?:(?:{_SOCIAL})(?:\s*[|•·,،/\-–—:：*]\s*|\s+|$))+$")
# Author contact on a social network: "تويتر: Arfaj0", "Twitter:@firas_t"
_SOCIAL_HANDLE = re.compile(rf"^(?:{_SOCIAL})\s*[:：]?\s*@?[a-z0-9_.]{{2,30}}@?$")
# Gallery / slider navigation: "Next Previous"
_NAV = r"(?:next|previous|prev|التالي|السابق)"
_NAV_ONLY = re.compile(rf"^{_NAV}(?:\s+{_NAV})*$", re.I)
_NAV_PREFIX = re.compile(rf"^\s*(?:next\s+previous|previous\s+next)\s*", re.I)


def _is_social_widget(norm: str) -> bool:
    n = _strip_bullets(norm)
    return len(n) <= 100 and _SOCIAL_ONLY.match(n) is not None and n not in ("x", "ارسل", "شارك")


def _is_social_handle(norm: str) -> bool:
    n = _strip_bullets(norm)
    return len(n) <= 50 and _SOCIAL_HANDLE.match(n) is not None and not n.startswith(("x ", "x:"))


# "رابط الخبر بصحيفة الوئام: <headline>" glued to the end of the story's last
# paragraph (the footer had lost its line break).
_GLUED_FOOTER = re.compile(r"\s*رابط\s+(?:الخبر|المقال|الموضوع)\s+[^:：\n]{0,40}[:：]")


def _glued_footer_start(line: str) -> int | None:
    """Where a footer glued to the end of a kept line starts, or None."""
    if "رابط" not in line:
        return None
    m = None
    for m in _GLUED_FOOTER.finditer(line):
        pass
    if m is None or m.start() == 0 or len(line) - m.end() > 250:
        return None
    return m.start()


_SHARE_PREFIX = re.compile(
    rf"^(?:(?:شارك|شاركوا|شاركي|مشاركه)\s+(?:من\s+خلال|عبر|علي)?\s*)?"
    rf"(?P<names>(?:(?:{_SOCIAL})(?:\s*[|•·,،/\-–—]\s*|\s+)){{2,}})"
    rf"(?:(?:اكتب|اضف|اترك|شاركنا)\s+(?:رايك|تعليقك|تعليقا)\s*)?"
)


def _share_prefix_len(line: str) -> int:
    """Length of a share widget glued before a paragraph, or 0."""
    if not line.startswith(("شارك", "مشارك")):
        return 0
    head = normalize_marker(line[:120])
    m = _SHARE_PREFIX.match(head)
    if not m or len(head) - m.end() < 40 or not m.group(0).startswith(("شارك", "مشارك")):
        return 0
    # normalisation keeps token boundaries: cut after as many original tokens
    k = len(m.group(0).split())
    return sum(len(t) for t in re.findall(r"\S+\s*", line)[:k])


# "مقالات أخرى للكاتب<glued titles>": other stories by the columnist
_AUTHOR_MORE = re.compile(r"^(?:مقالات|مواضيع|اخبار)\s+(?:اخري|سابقه)\s+(?:لل?كاتب|لل?كاتبه|للمولف)")


# --------------------------------------------------------------------------
# bylines, datelines, sources
# --------------------------------------------------------------------------

_FIRST_NAMES_FILE = Path(__file__).resolve().parent.parent / "seeds" / "gazetteer" / "first_names.txt"


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """Normalised first names (seeds/gazetteer/first_names.txt), loaded once."""
    try:
        text = _FIRST_NAMES_FILE.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(
        normalize_marker(w) for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#")
    )


# Words that introduce a byline: بقلم / كتب / By / Par / إعداد / تقرير ...
_BYLINE_PREFIX = re.compile(
    r"^(?:بقلم|كتب|كتبت|كتبه|اعداد|اعدته|اعده|تقرير|تحرير|متابعه|حوار|ترجمه|بواسطه"
    r"|by|par|por|von|written\s+by|reported\s+by)\s*[:：\-–]?\s+",
    re.I,
)
_BYLINE_SEP = re.compile(r"[:：\-–]")
_NAME_TOKEN = re.compile(r"^(?:[\u0621-\u064A]{2,18}|[A-Z][A-Za-z'\-]{1,20}\.?|[A-Z]\.)$")
_NOT_IN_BYLINE = re.compile(r"[.!?؟،,؛;:\"“”«»()\[\]0-9\u0660-\u0669/]")


def _orig_tail(line: str, norm: str, norm_start: int) -> str | None:
    """Original text from the token where ``norm[norm_start:]`` starts.

    Normalisation keeps token boundaries (it only drops marks and folds
    letters), so counting whole tokens maps a position back to the original.
    """
    if norm_start == 0 or norm[norm_start - 1] == " ":
        k = len(norm[:norm_start].split())
        return " ".join(line.split()[k:])
    if ":" in line:
        return line.split(":", 1)[1]
    return None


_BYLINE_JOINERS = frozenset({"و", "بن", "ابن", "ابو", "بنت", "عبد", "de", "van", "von", "al", "el"})


def _byline_name(line: str, norm: str) -> str | None:
    """The name if the line is shaped like a byline, else None.

    2-4 name-like words with no sentence punctuation whose first word is a
    known first name ("محمد النحاس"), or a byline prefix followed by 1-5
    name-like words ("بقلم: محمد النحاس", "By Reda Hameed").
    """
    if len(line) > 70:
        return None
    m = _BYLINE_PREFIX.match(norm)
    if m:
        # an Arabic credit word needs its separator ("إعداد: منى حسن"): without
        # it "تقرير لإدارة الاتحاد", "متابعة العمالة الوافدة" are subheadings
        if _AR_LETTER.match(norm) and not norm.startswith("بقلم") and not _BYLINE_SEP.search(m.group(0)):
            return None
        rest = _orig_tail(line, norm, m.end())
        if rest is None:
            return None
        rest = rest.strip(" :：-–")
        toks = rest.translate(_NORM_TABLE).split()  # keeps Latin capitals
        if not 1 <= len(toks) <= 5 or _NOT_IN_BYLINE.search(rest.replace(".", "")):
            return None
        if all(_NAME_TOKEN.match(t) or t.lower() in _BYLINE_JOINERS for t in toks):
            return rest
        return None
    if _NOT_IN_BYLINE.search(line):
        return None
    toks = norm.split()
    if not 2 <= len(toks) <= 4 or any(_NAME_TOKEN.match(t) is None for t in toks):
        return None
    return line if toks[0] in _first_names() else None


_AGENCIES = frozenset(
    normalize_marker(a)
    for a in (
        "أ ف ب", "أ.ف.ب", "ا ف ب", "فرانس برس", "رويترز", "أ ب", "أسوشيتد برس", "د ب أ", "د.ب.أ",
        "واس", "وام", "قنا", "كونا", "بنا", "سانا", "بترا", "ومع", "شينخوا", "الأناضول", "سبوتنيك",
        "وكالات", "إفي", "يونهاب", "كيودو", "تاس", "إرنا", "أ ش أ", "CNN", "AFP", "Reuters", "AP",
        "BBC", "DPA", "Xinhua", "Sputnik", "Anadolu", "Bloomberg", "بلومبرغ", "سكاي نيوز عربية",
        "العربية.نت", "فرانس 24", "فرانس24", "بي بي سي",
    )
)
# Words that make a short phrase look like a media outlet.
_OUTLET_HINT = re.compile(
    r"اخباري|نيوز|وكاله|وكالات|برس|\bنت\b|\.نت|\.com|\.net|تايمز|بوست|اليوم|الانباء|قناه|صحيفه|جريده|موقع|تلفزيون|راديو|\bتي ?في\b|\btv\b|news|press|agency|times|post",
    re.I,
)

_PLACE = r"[\u0621-\u064A\u064B-\u0652\u0640A-Za-z][^()\[\]\-–—.:؟!?\"“”«»\d]{0,45}?"
_DASH = r"\s*[-–—]+\s*"
# "بكين (أ ف ب) – ..." / "دبي، الإمارات العربية المتحدة (CNN)-- ..." / "(رويترز) - ..."
_PAREN_PREFIX = re.compile(
    rf"^(?P<place>{_PLACE})?\s*(?P<dash0>[-–—]\s*)?\((?P<src>[^()\n]{{1,30}})\)(?:(?P<dash>{_DASH})|\s+)(?=\S)"
)
# "القاهرة - ..." : a 1-3 word place before a dash at the start of the lede
_PLACE_PREFIX = re.compile(r"^(?P<place>[\u0621-\u064A\u064B-\u0652\u0640]{2,20}(?:\s[\u0621-\u064A\u064B-\u0652\u0640]{2,20}){0,2})\s[-–—]+\s+(?=\S)")
# own line "بكين – مصدر الإخبارية" / "أبوظبي - سكاي نيوز عربية" / "دبي - ماجد الفاسي"
_DATELINE_LINE = re.compile(rf"^(?P<place>{_PLACE})\s*[-–—/|]+\s*(?P<right>[^\-–—]{{2,40}})$")
# line that is only a source: "(رويترز)" / "فرانس24/ أ ف ب" / "المصدر: وكالات" / "نقلا عن ..."
_SOURCE_ONLY = re.compile(r"^\(\s*(?P<src>[^()]{1,30}?)\s*\)\s*[-–—]*$")
_SOURCE_LABEL = re.compile(r"^[*\s]*(?:المصدر|المصادر|source|سورس)\s*[:：\-–]\s*(?P<src>.{1,40})$", re.I)
_REPRINT = re.compile(r"^[*\s]*نقلا?\s*(?:عن|من)\s*[:：]?\s*(?P<src>.{2,50})$")


def _looks_like_outlet(text: str) -> bool:
    n = normalize_marker(text).strip(" .")
    return n in _AGENCIES or _OUTLET_HINT.search(n) is not None


def _short_phrase(text: str, max_words: int) -> bool:
    toks = text.split()
    return 1 <= len(toks) <= max_words and _SENTENCE_PUNCT.search(text.replace(".", "")) is None


# Wire-agency credits at the end of a story: "أفاد وو من بانكوك. ساهم في ذلك
# كاتبا وكالة ...", "ساهمت في إعداد هذا التقرير ...", "... contributed to this
# report". They name reporters and the cities they filed from, not the story.
_REPORTING_CREDIT = re.compile(
    r"(?:^|[.،]\s*)(?:ساهم|ساهمت|ساهما|شارك|شاركت|شاركا)\s+(?:\S+\s+){0,2}?"
    r"في\s+(?:ذلك|اعداد|كتابه|تغطيه|هذا\s+التقرير|هذه\s+القصه)"
    r"|contributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story)"
    r"|^افاد\s+\S+(?:\s+\S+)?\s+من\s+\S+\s*[.،]",
    re.I,
)


def _is_reporting_credit(norm: str) -> bool:
    return _REPORTING_CREDIT.search(norm) is not None


# Credit lines: "إعداد: منى حسن", "تقرير - خالد سعيد", "ترجمة: عفاف محمد",
# "نقلته إلى العربية: بتول دياب", "إعداد : علي الشهري تصوير : تركي البوق".
# A credit is one to three "<credit word> <separator> <1-5 name words>"
# segments and nothing else.  Author credits (إعداد, تقرير, متابعة ...) are
# bylines; translator / photographer credits are "credit".
_AUTHOR_CREDIT_WORDS = (
    r"اعداد\s+وتقديم|اعداد\s+وتحرير|اعداد\s+وترجمه|رصد\s+وتحرير|اعداد|تقرير|متابعه|تحرير|كتب|كتبت|بقلم|حوار|مراسل|مراسله|تغطيه|المحرر"
)
_OTHER_CREDIT_WORDS = (
    r"(?:ترجمه|ترجمها|ترجمته|ترجمتها|تعريب|نقله|نقلته|نقلها|نقلتها)(?:\s+(?:الي|لل)\s*(?:اللغه\s+)?العربيه)?"
    r"(?:\s*[،,]?\s*(?:بتصرف|بتصرف\s+طفيف))?|رصد\s+وتصوير|تصوير|عدسه|تنسيق|اشراف|مراجعه|تدقيق"
)
_AUTHOR_CREDIT_RX = re.compile(_AUTHOR_CREDIT_WORDS)
_CREDIT_WORD = re.compile(
    rf"(?:^|(?<=[\s،,|\-–]))(?P<w>{_AUTHOR_CREDIT_WORDS}|{_OTHER_CREDIT_WORDS})\s*(?P<sep>[:：/\-–]|\s(?=\S))"
)
_TRANSLATED_TO = re.compile(r"(?:الي|لل)\s*(?:اللغه\s+)?العربيه")
_CREDIT_NAME_DROP = re.compile(r"\(\s*بتصرف\s*\)|[()]")
# "ترجمة خاصة بالميادين نت", "فيما يلي نص المقال منقولاً إلى العربية بتصرف:"
_TRANSLATION_NOTE = re.compile(
    r"^(?:ترجمه\s+خاصه\s+(?:ب|ل)\S+(?:\s+\S+){0,2}"
    r"|(?:و?(?:فيما|في\s+ما)\s+يلي|ادناه|اليكم|اخترنا\s+من)\s+(?:\S+\s+){0,6}?"
    r"(?:منقولا?|المنقول|المنقوله|مترجما?|المترجم|المترجمه|ترجمه)(?:\s+\S+){0,5})\s*[:：.]?$"
)


_CREDIT_START = re.compile(
    rf"^[\s*•·»«>|\-–—_#]*(?:{_AUTHOR_CREDIT_WORDS}|{_OTHER_CREDIT_WORDS}|و?(?:فيما|في\s+ما)\s+يلي|ادناه|اليكم|اخترنا\s+من)"
)


def _credit_start(norm: str) -> bool:
    """Cheap pre-test: the line starts with a credit word."""
    return bool(norm) and len(norm) <= 100 and _CREDIT_START.match(norm) is not None


def _credit(line: str, norm: str) -> tuple[str, str | None] | None:
    """("byline", author name) or ("credit", None) when the line is a credit."""
    if not norm or len(norm) > 100:
        return None
    n = _strip_bullets(norm)
    if _TRANSLATION_NOTE.match(n):
        return ("credit", None)
    matches = list(_CREDIT_WORD.finditer(n))
    if not matches or matches[0].start() != 0 or len(matches) > 3:
        return None
    author = None
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(n)
        word = m.group("w")
        # a bare space after the credit word is only enough for translator
        # credits ("نقله إلى العربية حسين قطايا"): "تحرير الموصل" is a heading
        if m.group("sep").isspace() and not _TRANSLATED_TO.search(word):
            return None
        name = _CREDIT_NAME_DROP.sub(" ", n[m.end() : end]).strip(" .،,|-–:")
        toks = name.split()
        if not 1 <= len(toks) <= 5 or _NOT_IN_BYLINE.search(name.replace(".", "")):
            return None
        if not all(_NAME_TOKEN.match(t) or t in _BYLINE_JOINERS or t in ("د.", "م.", "أ.") for t in toks):
            return None
        if k == 0 and _AUTHOR_CREDIT_RX.match(word):
            author = (m.start("w"), m.end(), end)
    if author is None:
        return ("credit", None)
    # the author's name with its original characters: count whole tokens
    # (normalisation keeps token boundaries); a separator glued to the name
    # ("كتب -عمر") is stripped off the first token
    off = len(norm) - len(n)
    start, end = author[1], author[2]
    while start < end and n[start] in " :：/-–":
        start += 1
    glued = norm[start + off - 1] != " "
    k = len(norm[: start + off].split()) - (1 if glued else 0)
    toks = line.split()[k : k + len(n[start:end].split())]
    if glued and toks:
        toks[0] = re.split(r"[:：/\-–]", toks[0])[-1]
    name = _CREDIT_NAME_DROP.sub(" ", " ".join(toks)).strip(" .،,|-–:/")
    return ("byline", " ".join(name.split()) or None)


# Syndication credits closing a story: "* خدمة «نيويورك تايمز»",
# "* بالاتفاق مع «بلومبيرغ»", "خاص بـ«الشرق الأوسط»".
_SYNDICATION = re.compile(
    r"^(?:خدمه|بالاتفاق\s+مع|بالتعاون\s+مع|خاص\s+(?:ب|ل)|حصري\s+(?:ب|ل))\s*[:：]?\s*(?P<src>\S.{0,40})$"
)
_QUOTED = re.compile(r"[«\"“{}](?P<q>[^«»\"“”{}]{2,40})[»\"”{}]")


def _syndication_source(line: str, norm: str) -> str | None:
    # the outlet is quoted ("خدمة «نيويورك تايمز»"): an unquoted "خدمة مواعدة"
    # closing a story is a heading, not a credit
    if not norm or len(norm) > 60 or not _SYNDICATION.match(_strip_bullets(norm)):
        return None
    q = _QUOTED.search(line)
    src = q.group("q").strip() if q else None
    return src if src and _short_phrase(src, 4) else None


# Agency datelines with the date: "الرياض 26 شوال 1436 هـ الموافق 11 اغسطس
# 2015 م واس", "سان فرانسيسكو 20 يوليو تموز (رويترز) -".
_MONTHS = (
    r"محرم|صفر|ربيع\s+(?:الاول|الاخر|الثاني)|جمادي\s+(?:الاولي|الاول|الاخره|الاخر|الثانيه)|رجب|شعبان|رمضان|شوال"
    r"|ذو\s+القعده|ذي\s+القعده|ذو\s+الحجه|ذي\s+الحجه|يناير|فبراير|مارس|ابريل|مايو|يونيو|يونيه|يوليو|يوليه|اغسطس"
    r"|سبتمبر|اكتوبر|نوفمبر|ديسمبر|كانون\s+(?:الثاني|الاول)|شباط|اذار|نيسان|ايار|حزيران|تموز|اب|ايلول"
    r"|تشرين\s+(?:الاول|الثاني)"
)
_DAY_NAMES = r"السبت|الاحد|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه"
_DATE = rf"\d{{1,2}}\s+(?:{_MONTHS})(?:\s*/?\s*(?:{_MONTHS}))?(?:\s+\d{{4}})?(?:\s*(?:هـ|ه|م)\b)?"
_DATED_DATELINE = re.compile(
    rf"^(?P<place>(?:(?!{_DAY_NAMES}\b)[^\d\s()\-–—:،,.]+\s+){{0,3}}?)(?:(?:{_DAY_NAMES})\s+)?{_DATE}"
    rf"(?:\s+(?:الموافق\s+)?{_DATE})?\s*(?P<src>\(?[^\d()\-–—:]{{1,25}}?\)?)?\s*[-–—:]?$"
)


def _dated_dateline(line: str, norm: str) -> tuple[str | None, str | None] | None:
    """(place, source) when the line is a place + date (+ agency) dateline."""
    if not norm or len(norm) > 90:
        return None
    m = _DATED_DATELINE.match(norm)
    if not m:
        return None
    if not (m.group("src") or re.search(r"\d{4}", norm)):
        return None  # "بكين 20 مايو" could be anything; a year or an agency makes it a dateline
    toks = line.replace("(", " ").replace(")", " ").rstrip(" -–—:").split()
    k_place = len(m.group("place").split())
    k_src = len(m.group("src").strip(" ()").split()) if m.group("src") else 0
    place = " ".join(toks[:k_place]) or None
    src = " ".join(toks[len(toks) - k_src :]) if k_src else None
    if src and not _short_phrase(src, 3):
        return None
    return place, src or None


def _source_only(line: str, norm: str) -> str | None:
    """The outlet when the line is nothing but a source credit."""
    if len(line) > 60:
        return None
    m = _SOURCE_ONLY.match(line)
    if m and _short_phrase(m.group("src"), 4):
        return m.group("src").strip()
    for rx in (_SOURCE_LABEL, _REPRINT):
        m = rx.match(norm)
        if m:
            src = _orig_tail(line, norm, m.start("src"))
            src = (src or "").strip(" *:：\"“”«»")
            if _short_phrase(src, 5):
                return src
    # "فرانس24/ أ ف ب": outlet tokens joined by "/" and nothing else
    if "/" in line and _short_phrase(line.replace("/", " "), 6):
        parts = [p.strip() for p in line.split("/") if p.strip()]
        if any(_looks_like_outlet(p) for p in parts) and all(len(p.split()) <= 3 for p in parts):
            return parts[-1]
    return None


# a tatweel standing alone between spaces is used as a dash: "الأحساء ـ عادل الدحيلان"
_TATWEEL_DASH = re.compile(r"\s\u0640+\s")
# desk words in the outlet / place slot: "عين اليوم – متابعات" (follow-ups)
_DESK_WORDS = frozenset({"متابعات", "متابعه", "وكالات", "الوكالات", "خاص", "مراسلون", "متابعات خاصه"})


def _is_person(text: str) -> bool:
    """2-5 name-like words (one or two names) opening with a known first name."""
    toks = normalize_marker(text).replace("،", " ").replace(",", " ").split()
    return (
        2 <= len(toks) <= 5
        and toks[0] in _first_names()
        and all(_NAME_TOKEN.match(t) or t in _BYLINE_JOINERS for t in toks)
    )


def _dateline_line(line: str) -> tuple[str | None, str | None, str | None] | None:
    """(place, source, byline) when the line is "place – outlet", "place – person",
    "person – place", "person – outlet" or "outlet – place"."""
    if len(line) > 70:
        return None
    m = _DATELINE_LINE.match(_TATWEEL_DASH.sub(" - ", line.replace("\xa0", " ")))
    if not m:
        return None
    place, right = m.group("place").strip(" ،,"), m.group("right").strip()
    if not _short_phrase(place.replace("،", " "), 4) or not _short_phrase(right, 4):
        return None
    if len(_WORDCHAR.findall(place)) < 2:
        return None  # "I ـ لم يبق شيء بعدك": a numbered heading
    right_norm = normalize_marker(right)
    if right_norm in _DESK_WORDS:  # "عين اليوم – متابعات", "أحمد حجازي – متابعات"
        return (None, None, place) if _is_person(place) else (None, place, None)
    if _looks_like_outlet(right):
        # "عمر إبراهيم – عين اليوم": the reporter before the outlet
        return (None, right, place) if _is_person(place) else (place, right, None)
    if right_norm.split()[0] in _first_names() and 2 <= len(right_norm.split()) <= 4:
        return place, None, right
    if _is_person(place):  # "ياسر الحربي – حائل": the reporter, then where he filed from
        return right, None, place
    if _looks_like_outlet(place):  # "عين اليوم – جدة"
        return right, place, None
    # unknown 1-4 word phrase after a 1-2 word place: still the outlet slot
    if len(place.split()) <= 2:
        return place, right, None
    return None


# Credit prefix of a lede, parts joined by dashes and closed by a colon:
# "ماجد الرفاعي- سبق- جدة: أعلنت ...", "سبق- الرياض: ...", "واس- الرياض: ..."
# (reporter, outlet, place / outlet, place).
_SEG = r"[^\s:：\-–—.،,()\"«»؟?!]+(?:\s+[^\s:：\-–—.،,()\"«»؟?!]+){0,3}"
_SEG_SEP = r"(?:\s*[-–—]+\s*|\s+\u0640+\s+)"
_DASHED_PREFIX = re.compile(rf"^(?P<a>{_SEG}){_SEG_SEP}(?P<b>{_SEG})(?:{_SEG_SEP}(?P<c>{_SEG}))?\s*[:：]\s*(?=\S)")
_NOT_IN_PLACE = frozenset(
    normalize_marker(w)
    for w in "في من على إلى عن له لها مع بعد قبل أن إن قال وقال قالت وقالت أضاف وأضاف أكد وأكد أوضح وأوضح".split()
)
_HAS_DIGIT = re.compile(r"\d")


def _dashed_prefix(line: str) -> tuple[str | None, str | None, str | None, int] | None:
    """(place, source, byline, cut) for a sabq-style credit prefix of the lede."""
    m = _DASHED_PREFIX.match(line)
    if not m or m.end() > 60 or len(line) - m.end() <= 40:
        return None
    parts = [m.group(g).strip(" *•" + _INVISIBLE) for g in "abc" if m.group(g)]
    if any(_HAS_DIGIT.search(p) or not p for p in parts):
        return None  # "1945 - الحرب العالمية الثانية: ...", "1 - أمانة العاصمة: ..." are list items
    if any(normalize_marker(t) in _NOT_IN_PLACE for p in parts for t in p.split()):
        return None  # "وقال رياض الأشقر - الناطق الإعلامي: ..." is a sentence, not a credit
    first_person = _is_person(parts[0])
    # the first part is the reporter, or a one-word / outlet-like credit
    # ("سبق", "واس"); "المملكة المتحدة – شازام: ..." opens a sentence
    if not (first_person or len(parts[0].split()) == 1 or _looks_like_outlet(parts[0])):
        return None
    if any(len(p.split()) > 3 for p in parts[1:]):
        return None

    def desk(p: str) -> str | None:
        return None if normalize_marker(p) in _DESK_WORDS else p

    if len(parts) == 3:  # reporter - outlet - place
        return desk(parts[2]), parts[1], parts[0] if first_person else None, m.end()
    if first_person:  # reporter - outlet ("محمد عطيف- سبق:")
        return None, parts[1], parts[0], m.end()
    if _looks_like_outlet(parts[1]) and not _looks_like_outlet(parts[0]):
        return desk(parts[0]), parts[1], None, m.end()  # place - agency ("تونس - رويترز:")
    return desk(parts[1]), parts[0], None, m.end()  # outlet - place ("سبق- الرياض:")


def _dateline_prefix(
    line: str, allow_bare_place: bool
) -> tuple[str | None, str | None, int, str | None] | None:
    """(place, source, cut, byline) when the paragraph opens with a dateline prefix."""
    m = _PAREN_PREFIX.match(line)
    if m:
        src = m.group("src").strip()
        place = (m.group("place") or "").strip(" ،,-–—") or None
        # without a dash after the parenthesis ("دبي - (CNN) يستمر ...") there
        # must be one before it and the group must look like an outlet, or a
        # sentence such as "ونقلت وكالة (سانا) عن ..." would lose its subject
        if (
            _short_phrase(src, 4)
            and (place is None or len(place.split()) <= 5)
            and (m.group("dash") or (m.group("dash0") and _looks_like_outlet(src)))
        ):
            return place, src, m.end(), None
    if allow_bare_place:
        d = _dashed_prefix(line)
        if d:
            return d[0], d[1], d[3], d[2]
        m = _PLACE_PREFIX.match(line)
        if (
            m
            and len(line) - m.end() > 40  # a real paragraph follows the dash
            and not any(normalize_marker(t) in _NOT_IN_PLACE for t in m.group("place").split())
        ):  # "وقال رياض الأشقر - الناطق ..." opens a sentence
            return m.group("place"), None, m.end(), None
    return None


# --------------------------------------------------------------------------
# the cleaner
# --------------------------------------------------------------------------

_TITLE_MAX = 220
_MARKER_MAX = 300  # longest line whose normalised form is computed


def _is_title_shaped(line: str) -> bool:
    # A title is a single short line; a first line that is a long paragraph
    # ending with a full stop is the lede of a page without a title line.
    if len(line) > _TITLE_MAX:
        return False
    return not (line.endswith(".") and not line.endswith("..") and len(line) > 50)


def _is_headline_shaped(line: str) -> bool:
    """Short line without a closing full stop: a related story's headline."""
    return len(line) <= 150 and not line.rstrip().endswith((".", "。", ":"))


def _classify(line: str, norm: str) -> str | None:
    """Context-free noise reason for one line, or None."""
    if _is_separator(line):
        return "separator"
    if _is_hex_hash(line):
        return "hex_hash"
    if _is_ticker(line):
        return "ticker"
    if _is_related_link(norm) or _is_latin_read_more(line):
        return "related_link"
    if _is_widget(norm):
        return "widget"
    if _is_footer(norm):
        return "footer"
    if _is_link_or_hashtag_line(line):
        return "widget"
    if line.startswith("مقالات") and _AUTHOR_MORE.match(normalize_marker(line[:40])):
        return "related_link"  # "مقالات أخرى للكاتب<titles>", however long
    if len(line) > _CAPTION_MAX:
        return None  # captions and file names are short; paragraphs are not
    if _is_wire_end(norm):
        return "footer"  # "// انتهى //"
    if _TIME_LINE.match(norm) or _NAV_ONLY.match(norm) or _is_social_widget(norm):
        return "widget"  # "16:40 ت م", "Next Previous", "فيسبوك تويتر واتساب"
    if _is_social_handle(norm) or _EMAIL_ONLY.match(line):
        return "footer"  # the writer's contact: "تويتر: Arfaj0", "name@mail.com"
    n_ar = len(_AR_LETTER.findall(line))
    n_lat = len(_LATIN_LETTER.findall(line))
    n_dig = len(_DIGIT.findall(line))
    if n_ar == 0 and n_lat == 0 and n_dig:
        return "widget"  # a bare date/time/counter ("17/07/2018")
    if n_lat and _BYLINE_PREFIX.match(norm) and _byline_name(line, norm):
        return None  # "By Reda Hameed": handled as a byline by the caller
    if _is_image_caption(line, norm, n_ar, n_lat, n_dig):
        return "image_caption"  # "تصوير: ..." photo credits included
    if _credit_start(norm) and (_credit(line, norm) or ("", ""))[0] == "credit":
        return "credit"  # translator credits; author credits are bylines (caller)
    return None


_SENTENCE_END = re.compile(r"[.!؟?…]\s|[.!؟?…]$")


def headline_from_body(lines: list[str], max_chars: int = 120) -> str | None:
    """For a page with no title line: its first sentence, cut at a word boundary.

    The sentence stays in the body too; only a separate title line is ever removed.
    """
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        return None
    end = _SENTENCE_END.search(first)
    sentence = first[: end.start() + 1] if end else first
    if len(sentence) > max_chars:
        sentence = sentence[:max_chars].rsplit(" ", 1)[0] + "…"
    return sentence.strip()


def clean_article(text: str, title_hint: str | None = None) -> CleanedArticle:
    """Split ``text`` into article lines and noise; see the module docstring."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows: list[list] = []  # [line_no, stripped, norm, reason]
    cut_off: list[RemovedLine] = []  # noise cut off the start / end of kept lines
    for no, raw in enumerate(raw_lines, 1):
        s = raw.strip()
        if s:
            # a share widget glued before the paragraph: "شارك من خلال تويتر
            # فيسبوك جوجل بلس اكتب رأيك <lede>"
            k = _share_prefix_len(s)
            if k:
                cut_off.append(RemovedLine(no, "widget", s[:k].strip()))
                s = s[k:].strip()
            # Marker phrases only matter on short lines (every marker rule
            # has a length cap below _MARKER_MAX), so long paragraphs skip the
            # normalisation: the cleaner stays well under 1 ms per article.
            rows.append([no, s, normalize_marker(s) if len(s) <= _MARKER_MAX else "", None])

    # 1. context-free noise shapes
    for row in rows:
        row[3] = _classify(row[1], row[2])

    # 2. headlines listed under a bare "اقرأ أيضاً:" line are related links too
    for i, row in enumerate(rows):
        if row[3] == "related_link" and _is_bare_related_marker(row[2]):
            for nxt in rows[i + 1 : i + 8]:
                if nxt[3] is not None or not _is_headline_shaped(nxt[1]):
                    break
                nxt[3] = "related_link"

    title = byline = dateline = source = None
    cut: dict[int, int] = {}  # row index -> characters cut from the start (dateline prefix)

    def free(start: int = 0):
        return (i for i in range(start, len(rows)) if rows[i][3] is None)

    # 3. title
    title_idx = -1
    if title_hint and title_hint.strip():
        title = title_hint.strip()
        tkey = _key(title)
        for i in free():
            if len(rows[i][1]) <= 2 * len(title) + 20 and _row_key(rows[i]) == tkey:
                rows[i][3] = "title" if title_idx < 0 else "repeated_title"
                title_idx = i if title_idx < 0 else title_idx
    else:
        first = next(free(), None)
        if first is not None and _is_title_shaped(rows[first][1]):
            title, title_idx = rows[first][1], first
            rows[first][3] = "title"
            tkey = _key(title)
            for i in free(first + 1):
                if len(rows[i][1]) <= 2 * len(title) + 20 and _row_key(rows[i]) == tkey:
                    rows[i][3] = "repeated_title"

    # 4. head block: byline right after the title, dateline line or prefix
    head = list(free(title_idx + 1))[:4]
    last_free = max(free(), default=-1)
    for pos, i in enumerate(head):
        line, norm = rows[i][1], rows[i][2]
        # gallery navigation glued before the line: "Next Previous عين اليوم – جدة"
        nav = _NAV_PREFIX.match(line)
        if nav:
            line = line[nav.end() :]
            norm = normalize_marker(line) if len(line) <= _MARKER_MAX else ""
        if pos == 0 and byline is None:
            name = _byline_name(line, norm)
            if name:
                byline, rows[i][3] = name, "byline"
                continue
        cr = _credit(line, norm) if _credit_start(norm) else None
        if cr:  # "إعداد : علي الشهري تصوير : تركي البوق"
            rows[i][3] = cr[0]
            byline = byline or cr[1]
            continue
        if dateline is None and source is None:
            dd = _dated_dateline(line, norm)
            if dd:  # "الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس"
                dateline, source = dd
                rows[i][3] = "dateline"
                continue
            dl = _dateline_line(line)
            if dl:
                dateline, source, by = dl
                if by and byline is None:
                    byline, rows[i][3] = by, "byline"
                else:
                    rows[i][3] = "dateline"
                continue
            src = _source_only(line, norm)
            if src and len(line) <= 40 and i != last_free:  # at the very end it is a footer credit
                source, rows[i][3] = src, "dateline"
                continue
        # a credit line glued to the lede by a run of spaces:
        # "أحمد حجازي – عين اليوم<no-break spaces>نشرت صحيفة ..."
        gap = _TICKER_GAP.search(line, 0, 80)
        if gap and dateline is None and source is None and len(line) - gap.end() > 40:
            dl = _dateline_line(line[: gap.start()].strip())
            if dl:
                dateline, source = dl[0], dl[1]
                byline = byline or dl[2]
                cut[i] = gap.end() + (nav.end() if nav else 0)
                break
        # a dateline prefix opening the lede: "بكين (أ ف ب) – ...", "(رويترز) - ...",
        # "ماجد الرفاعي- سبق- جدة: ..."
        first_body = all(rows[j][3] in ("byline", "dateline", "credit", "widget") for j in head[:pos])
        pre = _dateline_prefix(line, allow_bare_place=first_body and dateline is None)
        if pre:
            dateline, source = dateline or pre[0], source or pre[1]
            byline = byline or pre[3]
            cut[i] = pre[2] + (nav.end() if nav else 0)
            break
        if nav:  # navigation glued to a line that is not a credit
            if len(line) > 60:
                cut[i] = nav.end()
                cut_off.append(RemovedLine(rows[i][0], "widget", nav.group(0).strip()))
            else:
                rows[i][3] = "widget"
        if len(line) > 250:
            break  # the article proper has started

    # 5. tail: footer byline ("By Reda Hameed"), author blurb after it,
    #    end-of-article source credits ("فرانس24/ أ ف ب", "*نقلاً عن ...")
    remaining = list(free())
    tail = remaining[-4:]
    for i in tail:
        line, norm = rows[i][1], rows[i][2]
        if rows[i][3] is not None:
            continue
        name = _byline_name(line, norm) if _BYLINE_PREFIX.match(norm) else None
        if name:
            rows[i][3] = "byline"
            byline = byline or name
            # what follows a footer byline is the author's bio blurb (often
            # English, so pass 1 may have called it a caption)
            for row in rows[i + 1 :]:
                if row[3] in (None, "image_caption") and len(row[1]) <= 400:
                    row[3] = "author_bio"
            break
        src = _source_only(line, norm) or _syndication_source(line, norm)
        if src:  # "فرانس24/ أ ف ب", "* خدمة «نيويورك تايمز»"
            rows[i][3] = "footer"
            source = source or src
    # a "contact the writer" footer opens the footer block: the short lines
    # after it are its phone numbers ("88591 - Stc", "738303 زين ...")
    for k in range(max(0, len(rows) - 6), len(rows)):
        if rows[k][3] == "footer" and _CONTACT.match(_LEADING_EMAIL.sub("", rows[k][2])):
            for row in rows[k + 1 :]:
                if row[3] in (None, "image_caption") and len(row[1]) <= 80:
                    row[3] = "footer"
            break
    # reporting credits close the story: only a run of them at the very end
    for i in reversed(list(free())):
        if len(rows[i][1]) <= 400 and _is_reporting_credit(rows[i][2]):
            rows[i][3] = "footer"
        else:
            break
    # a reason-less Latin byline elsewhere (e.g. right under the title) is still a byline
    for i in free():
        if _LATIN_LETTER.search(rows[i][1]) and _BYLINE_PREFIX.match(rows[i][2]):
            name = _byline_name(rows[i][1], rows[i][2])
            if name:
                rows[i][3] = "byline"
                byline = byline or name
            elif not _AR_LETTER.search(rows[i][1]):
                rows[i][3] = "image_caption"

    # credits anywhere else: "تقرير: خالد سعيد" is a byline, wherever it sits
    for i in free():
        if _credit_start(rows[i][2]):
            cr = _credit(rows[i][1], rows[i][2])
            if cr:
                rows[i][3] = cr[0]
                byline = byline or cr[1]

    body: list[str] = []
    removed: list[RemovedLine] = []
    for i, (no, line, _norm, reason) in enumerate(rows):
        if reason is None:
            # a footer glued to the end of the line is cut off and reported
            # on its own: "... آخر جملة. رابط الخبر بصحيفة الوئام: <headline>"
            start, end = cut.get(i, 0), _glued_footer_start(line)
            if end is not None and end <= start:
                end = None
            body.append(line[start:end].strip())
            if start and line[:start].strip():  # the dateline / credit prefix: in its fields, and logged
                cut_off.append(RemovedLine(no, "dateline", line[:start].strip()))
            if end is not None:
                cut_off.append(RemovedLine(no, "footer", line[end:].strip()))
        else:
            removed.append(RemovedLine(no, reason, line))
    if cut_off:
        removed = sorted(removed + cut_off, key=lambda r: r.line_no)
    return CleanedArticle(
        title=title or headline_from_body(body),
        title_from_body=title is None,
        byline=byline,
        dateline=dateline,
        source_name=source,
        body_clean="\n".join(body),
        removed=tuple(removed),
    )
