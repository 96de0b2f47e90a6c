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
    #              separator, repeated_title, author_bio, byline, dateline, title
    text: str  # the original line


@dataclass(frozen=True)
class CleanedArticle:
    title: str | None
    byline: str | None
    dateline: str | None  # the place, e.g. بكين
    source_name: str | None  # the outlet / agency, e.g. أ ف ب
    body_clean: str
    removed: tuple[RemovedLine, ...]


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


# --------------------------------------------------------------------------
# character classes and shape measures
# --------------------------------------------------------------------------

_AR_LETTER = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06F0-\u06F9]")
_WORDCHAR = re.compile(r"[^\W_]")  # any letter or digit in any script
_SENTENCE_PUNCT = re.compile(r"[.!?؟،,؛;]")
_LEADING_BULLETS = re.compile(r"^[\s*•·»«>|\-–—_#]+")


def _strip_bullets(norm: str) -> str:
    """Footer/widget lines are often decorated (`** جميع...`, `» اقرأ`)."""
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


def _is_ticker(line: str) -> bool:
    if len(line) < 120:
        return False
    if _headline_run([p for p in _TICKER_GAP.split(line) if p.strip()], 200):
        return True
    if _headline_run([p for p in _TICKER_BAR.split(line) if p.strip()], 120):
        return True
    # A very long line with no sentence punctuation at all is a run of
    # headlines glued together, not a paragraph.
    return len(line) > 400 and _SENTENCE_PUNCT.search(line) is None


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
      | (?:شارك|شاركوا|شاركي)\s+(?:هذا|هذه|المقال|الخبر|الموضوع|علي|عبر)
      | شاركها | مشاركه\s+(?:عبر|علي) | شارك(?:\s*[:：]|$)
      | (?:تابعونا|تابعنا|تابعوا)\s+(?:علي|عبر|في)
      | (?:اشترك|اشتركوا|اشتركي)\s+(?:الان|مجانا|في\s+(?:نشرتنا|النشره|قناتنا|خدمه)|ب)
      | (?:يمكنكم|يمكنك)\s+(?:استلام|تسلم|متابعه|تحميل|الاشتراك)
      | (?:حمل|حملوا|نزل|نزلوا|حمّل)\s+(?:تطبيق|التطبيق)
      | الاكثر\s+(?:قراءه|مشاهده|تداولا|شعبيه)
      | (?:اضف|اترك|اكتب)\s+(?:تعليقا|تعليقك|تعليق)
      | التعليقات\s*(?:[:：(]|$)
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
      | copyright\b | all\s+rights\s+reserved
      | click\s+here
    )""",
    re.X,
)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|جميع الحقوق محفوظه|all rights reserved", re.I)


def _is_footer(norm: str) -> bool:
    # "انقر هنا لقراءة الخبر من مصدره", copyright and opinion disclaimers.
    n = _strip_bullets(norm)
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


def _dateline_line(line: str) -> tuple[str, str | None, str | None] | None:
    """(place, source, byline) when the line is "place – outlet" or "place – person"."""
    if len(line) > 70:
        return None
    m = _DATELINE_LINE.match(line.replace("\xa0", " "))
    if not m:
        return None
    place, right = m.group("place").strip(" ،,"), m.group("right").strip()
    if not _short_phrase(place.replace("،", " "), 4) or not _short_phrase(right, 4):
        return None
    right_norm = normalize_marker(right)
    if _looks_like_outlet(right):
        return place, right, None
    if right_norm.split()[0] in _first_names() and 2 <= len(right_norm.split()) <= 4:
        return place, None, right
    # unknown 1-4 word phrase after a 1-2 word place: still the outlet slot
    if len(place.split()) <= 2:
        return place, right, None
    return None


def _dateline_prefix(line: str, allow_bare_place: bool) -> tuple[str | None, str | None, int] | None:
    """(place, source, cut) when the paragraph opens with a dateline prefix."""
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
            return place, src, m.end()
    if allow_bare_place:
        m = _PLACE_PREFIX.match(line)
        if m and len(line) - m.end() > 40:  # a real paragraph follows the dash
            return m.group("place"), None, m.end()
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
    if _is_related_link(norm):
        return "related_link"
    if _is_widget(norm):
        return "widget"
    if _is_footer(norm):
        return "footer"
    if _is_link_or_hashtag_line(line):
        return "widget"
    if len(line) > _CAPTION_MAX:
        return None  # captions and file names are short; paragraphs are not
    n_ar = len(_AR_LETTER.findall(line))
    n_lat = len(_LATIN_LETTER.findall(line))
    n_dig = len(_DIGIT.findall(line))
    if n_ar == 0 and n_lat == 0 and n_dig:
        return "widget"  # a bare date/time/counter ("17/07/2018")
    if n_lat and _BYLINE_PREFIX.match(norm) and _byline_name(line, norm):
        return None  # "By Reda Hameed": handled as a byline by the caller
    if _is_image_caption(line, norm, n_ar, n_lat, n_dig):
        return "image_caption"
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
    for no, raw in enumerate(raw_lines, 1):
        s = raw.strip()
        if s:
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
            if len(rows[i][1]) <= 2 * len(title) + 20 and _key(rows[i][1]) == tkey:
                rows[i][3] = "title" if title_idx < 0 else "repeated_title"
                title_idx = i if title_idx < 0 else title_idx
    else:
        first = next(free(), None)
        if first is not None and _is_title_shaped(rows[first][1]):
            title, title_idx = rows[first][1], first
            rows[first][3] = "title"
            tkey = _key(title)
            for i in free(first + 1):
                if len(rows[i][1]) <= 2 * len(title) + 20 and _key(rows[i][1]) == tkey:
                    rows[i][3] = "repeated_title"

    # 4. head block: byline right after the title, dateline line or prefix
    head = list(free(title_idx + 1))[:4]
    last_free = max(free(), default=-1)
    for pos, i in enumerate(head):
        line, norm = rows[i][1], rows[i][2]
        if pos == 0 and byline is None:
            name = _byline_name(line, norm)
            if name:
                byline, rows[i][3] = name, "byline"
                continue
        if dateline is None and source is None:
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
        # a dateline prefix opening the lede: "بكين (أ ف ب) – ...", "(رويترز) - ..."
        first_body = all(rows[j][3] in ("byline", "dateline") for j in head[:pos])
        pre = _dateline_prefix(line, allow_bare_place=first_body and dateline is None)
        if pre:
            dateline, source = dateline or pre[0], source or pre[1]
            cut[i] = pre[2]
            break
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
        src = _source_only(line, norm)
        if src:
            rows[i][3] = "footer"
            source = source or src
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

    body: list[str] = []
    removed: list[RemovedLine] = []
    for i, (no, line, _norm, reason) in enumerate(rows):
        if reason is None:
            body.append(line[cut[i] :].strip() if i in cut else line)
        else:
            removed.append(RemovedLine(no, reason, line))
    return CleanedArticle(
        title=title or headline_from_body(body),
        byline=byline,
        dateline=dateline,
        source_name=source,
        body_clean="\n".join(body),
        removed=tuple(removed),
    )
