"""Tests for flows/clean.py: noise removal by line shape, title/byline/dateline/source.

Each noise shape is tested on a real line from the seeds AND on variants
written here (other image names, hashes, headlines, tickers), so the rules
are shown to work by shape, not by memorising the seed strings.
"""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import pytest

from tests.clean_contract import assert_every_line_accounted_for
from flows.clean import CleanedArticle, RemovedLine, clean_article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "articles"
ANT_DIR = ROOT.parent / "shared" / "corpus" / "ant"

NBSP = "\xa0"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def reasons(result: CleanedArticle) -> dict[int, str]:
    return {r.line_no: r.reason for r in result.removed}


def only_reason(text: str) -> str | None:
    """Reason given to `text` when it sits in the middle of an ordinary article."""
    article = (
        "عنوان تجريبي للخبر\n\n"
        "قال المتحدث باسم الوزارة إن الاجتماع سيعقد الأسبوع المقبل لمناقشة الملفات العالقة.\n\n"
        f"{text}\n\n"
        "وأضاف أن الجانبين اتفقا على مواصلة التشاور خلال الأيام المقبلة.\n"
    )
    result = clean_article(article)
    return reasons(result).get(5)


# --------------------------------------------------------------------------
# the API contract
# --------------------------------------------------------------------------


def test_every_nonblank_line_is_kept_or_removed_exactly_once():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        result = clean_article(text)
        assert all(isinstance(r, RemovedLine) for r in result.removed)
        assert_every_line_accounted_for(text, result)


def test_blank_input():
    result = clean_article("\n \n\t\n")
    assert result.title is None and result.body_clean == "" and result.removed == ()


def test_result_is_frozen():
    result = clean_article("عنوان\nنص الخبر.")
    with pytest.raises(Exception):
        result.title = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------
# the seeds: expected noise per seed; every other line must survive
# --------------------------------------------------------------------------

SEED_EXPECT = {
    "000": dict(
        title="قمة افتراضية تجمع بوتين وشي جين بينج.. علامَ اتفقا؟",
        byline="محمد النحاس",
        dateline=None,
        source=None,
        removed={1: "title", 3: "byline", 18: "image_caption", 26: "hex_hash", 42: "image_caption",
                 50: "image_caption", 58: "image_caption", 64: "image_caption", 70: "widget"},
        must_keep=["الأفضل تاريخيًّا", "تعاون عسكري", "دعم حَذِر", "قواسم مشتركة", "توترات الباسفيك",
                   "شهدت العلاقة بين موسكو وبكين تقاربًا",  # the standfirst
                   "فقد زادت الصادرات الروسية إلى الصين بواقع 23% هذا العام"],
    ),
    "001": dict(
        title="التلغراف البريطانية: خمسة أشياء تعلمناها من قمة شي-بوتين",
        byline=None,
        dateline="بكين",
        source="مصدر الإخبارية",
        removed={1: "title", 5: "dateline"},
        must_keep=["وفي حين أن هناك الكثير من الخلافات بين بكين وموسكو",  # standfirst
                   "وما زالوا لا يحبون أمريكا", "محادثات المال",
                   "“يجب على الولايات المتحدة أن تتخلى عن هذا السلوك”."],
    ),
    "002": dict(
        title="ويختتم بوتين رحلته إلى الصين بالتأكيد على علاقاتها الاستراتيجية والشخصية مع روسيا",
        byline="Reda Hameed",
        dateline="بكين",
        source="أ ف ب",
        removed={1: "title", 3: "repeated_title", 5: "dateline",  # the lede's cut prefix "بكين (أ ف ب) – "
                 21: "related_link", 41: "related_link", 57: "separator", 59: "footer", 61: "byline",
                 63: "author_bio"},
        cut={5},  # kept, without its prefix
        must_keep=["الرئيس الروسي فلاديمير بوتين واختتم زيارة للصين"],
    ),
    "003": dict(
        title='"العصر الجديد".. فرص التعاون العسكري بين روسيا والصين تنضج في مواجهة الغرب',
        byline=None,
        dateline=None,
        source=None,
        removed={1: "ticker", 9: "widget", 10: "widget", 14: "title", 43: "footer"},
        must_keep=["تلويح بالتعاون العسكري:", "دلالات اللقاء الافتراضي:",
                   "1- عرض روسيا التعاون العسكري:"],
    ),
    "004": dict(
        title="تحالف الصين وروسيا: توسيع التوافق ومواجهة التدخلات",
        byline=None,
        dateline=None,
        source=None,
        removed={1: "title", 7: "related_link", 24: "related_link"},
        must_keep=["ونقلت قناة CCTV الصينية الرسمية عن شي قوله", "التوافق بين الصين وروسيا",
                   "تفاصيل أكثر على خَبَرْيْن."],
    ),
}


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECT))
def test_seed_fields_and_noise(prefix):
    exp = SEED_EXPECT[prefix]
    text = seed(prefix)
    result = clean_article(text)
    assert result.title == exp["title"]
    assert result.byline == exp["byline"]
    assert result.dateline == exp["dateline"]
    assert result.source_name == exp["source"]
    assert reasons(result) == exp["removed"]
    for fragment in exp["must_keep"]:
        assert fragment in result.body_clean, fragment


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECT))
def test_seed_every_article_line_survives(prefix):
    """Every input line that is not expected noise is in body_clean, unchanged
    (the only edit allowed is cutting a dateline prefix off the lede)."""
    exp = SEED_EXPECT[prefix]
    text = seed(prefix)
    body_lines = clean_article(text).body_clean.split("\n")
    article_lines = [
        line.strip() for no, line in enumerate(text.split("\n"), 1)
        if line.strip() and (no not in exp["removed"] or no in exp.get("cut", ()))
    ]
    assert len(body_lines) == len(article_lines)
    for original, kept in zip(article_lines, body_lines):
        assert original == kept or (original.endswith(kept) and len(original) - len(kept) < 20), original


def test_seed_bodies_hold_no_noise():
    noise = re.compile(
        r"GettyImages|1024x654|450x225|np file|thediplomat|SAVX|[0-9a-f]{32}|^READ|By Reda|انقر هنا"
        r"|شكرا على الإبلاغ|سيتم حجب|ربما يعجبك|شاهد ايضاً|^___$|المعلمين|معلمو Twitter|أشبال U17",
        re.M,
    )
    for path in SEEDS.glob("*.txt"):
        body = clean_article(path.read_text(encoding="utf-8")).body_clean
        assert noise.search(body) is None, (path.name, noise.search(body))
        assert all(len(line) < 3000 for line in body.split("\n"))  # the ticker is gone


def test_dateline_prefix_is_cut_but_paragraph_kept():
    result = clean_article(seed("002"))
    first = result.body_clean.split("\n")[0]
    assert first.startswith("الرئيس الروسي فلاديمير بوتين")
    assert "(أ ف ب)" not in result.body_clean.split("\n")[0]


# --------------------------------------------------------------------------
# each noise shape: the seed line and variants written here
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "np file 147828",  # seed
        "SAVX1756 1200 1024x654 1",  # seed
        "thediplomat 2016 03 09 21 18 07",  # seed
        "221004 Russia China Navy GettyImages 1347659875",  # seed
        "Russia China 450x225 1",  # seed
        "IMG_20230115_093012.jpg",
        "Putin Xi Summit 800x450",
        "GettyImages-1245567890",
        "egypt cairo protest 2011 01 25 afp",
        "Shutterstock 2219988776",
        "photo-1520012345 Beijing Moscow",
        "صورة: رويترز",
        "(صورة أرشيفية)",
    ],
)
def test_image_captions(line):
    assert only_reason(line) == "image_caption"


@pytest.mark.parametrize(
    "line",
    ["bf4cd26228ec4f43bdf5e4dd3c71dcc5", "9e107d9d372bb6826bd81d3542a419d6", "0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b",
     "123e4567-e89b-12d3-a456-426614174000", "A94A8FE5CCB19BA61C4C0873D391E987"],
)
def test_hex_hashes(line):
    assert only_reason(line) == "hex_hash"


def test_plain_number_is_not_a_hash():
    assert only_reason("1234567890123456") != "hex_hash"


@pytest.mark.parametrize(
    "line",
    [
        f"READ{NBSP} وفاة الرئيس التشيلي السابق سيباستيان بينيرا في حادث تحطم مروحية",  # seed
        "شاهد ايضاً: الحزب الحاكم في اليابان يستعد لفقدان أغلبيته التاريخية في ضربة كبيرة لرئيس الوزراء الجديد",  # seed
        "READ  البنك المركزي يرفع أسعار الفائدة للمرة الثالثة هذا العام",
        "Read more: انهيار جسر في جنوب البلاد",
        "اقرأ أيضا: وزير الخارجية يصل إلى الرياض في زيارة رسمية",
        "اقرأ أيضاً: ارتفاع أسعار النفط",
        "إقرأ أيضًا: منتخب مصر يتأهل",
        "اقرأ ايضا| مصادر تكشف خطة عودة السفير",
        "شاهد أيضا: لحظة انهيار المبنى في إسطنبول",
        "طالع أيضاً: تعرف على أسعار الذهب اليوم",
        "للمزيد: ما سر التغيرات العسكرية في المنطقة؟",
        "» اقرأ المزيد: الأمم المتحدة تحذر من مجاعة",
        "مواضيع ذات صلة: قمة العشرين تنطلق غدا",
    ],
)
def test_related_links(line):
    assert only_reason(line) == "related_link"


def test_headlines_under_a_bare_related_marker():
    text = (
        "عنوان\n"
        "أعلنت السلطات فتح تحقيق في الحادث الذي وقع صباح اليوم في وسط العاصمة.\n"
        "اقرأ أيضاً:\n"
        "دا سيلفا من الفقر إلى الرئاسة\n"
        "مسيرات حاشدة بعد مقتل سياسية بارزة\n"
        "من هم الأكراد؟\n"
        "وقالت الشرطة إن التحقيقات ما زالت جارية، وإن المشتبه به محتجز لديها.\n"
    )
    result = clean_article(text)
    assert reasons(result) == {1: "title", 3: "related_link", 4: "related_link", 5: "related_link",
                               6: "related_link"}
    assert "وقالت الشرطة إن التحقيقات" in result.body_clean


def test_seed_ticker_and_a_ticker_of_other_headlines():
    assert reasons(clean_article(seed("003")))[1] == "ticker"
    heads = ["الأمطار تغرق شوارع المدينة", "وزير المالية يستقيل بعد فضيحة", "منتخب الشباب يفوز على زامبيا",
             "أسعار الذهب ترتفع مجددا", "انطلاق معرض الكتاب الدولي في الرباط"]
    for gap in (NBSP * 4, "    ", "\t", " | "):
        assert only_reason(gap.join(heads)) == "ticker", repr(gap)
    long_unpunctuated = " ".join(heads * 6)  # > 400 chars, no sentence punctuation at all
    assert only_reason(long_unpunctuated) == "ticker"


def test_paragraphs_glued_with_nbsp_are_not_a_ticker():
    sentences = ["ولم يساعد تطور خدمات البث في الحد من انخفاض المبيعات.",
                 "وذكر التقرير أن إيرادات خدمات البث ارتفعت بنسبة كبيرة مقارنة بالعام الماضي.",
                 "وتظهر الأرقام أن إجمالي الإيرادات بلغ 17.3 مليار دولار.",
                 "ويقول القائمون على الصناعة إن انتشار الخدمات يتيح الوصول إلى أسواق جديدة."]
    assert only_reason((" " + NBSP * 12 + " ").join(sentences)) is None


@pytest.mark.parametrize(
    "line, reason",
    [
        ("ربما يعجبك أيضا", "widget"),  # seed
        ("شكرا على الإبلاغ!", "widget"),  # seed
        ("سيتم حجب هذه الصورة تلقائيا عندما يتم الإبلاغ عنها من طرف عدة أشخاص.", "widget"),  # seed
        ("انقر هنا لقراءة الخبر من مصدره.", "footer"),  # seed
        ("قد يعجبك أيضاً", "widget"),
        ("شكراً لك على الإبلاغ", "widget"),
        ("تابعونا على فيسبوك وتويتر", "widget"),
        ("شارك هذا المقال", "widget"),
        ("اشترك في نشرتنا البريدية", "widget"),
        ("يمكنكم تسلم إشعارات بأهم الموضوعات بعد تحميل أحدث نسخة من التطبيق على هاتفكم المحمول.", "widget"),
        ("الأكثر قراءة", "widget"),
        ("Follow us on Twitter", "widget"),
        ("#عاصي_الحلاني #حفلات_الصيف", "widget"),
        ("اضغط هنا لمتابعة آخر الأخبار", "footer"),
        ("جميع الحقوق محفوظة © 2024 موقع الأخبار", "footer"),
        ("** جميع المقالات المنشورة تمثل رأي كتابها فقط.", "footer"),
        ("Copyright 2023 Example News. All rights reserved.", "footer"),
    ],
)
def test_widgets_and_footers(line, reason):
    assert only_reason(line) == reason


@pytest.mark.parametrize("line", ["___", "-----", "***", "×××", "=====", "• • •", "\u200f\u202b\u202c"])
def test_separators(line):
    assert only_reason(line) == "separator"


def test_repeated_title_is_insensitive_to_diacritics_and_spaces():
    text = "زيارة رسمية للرئيس\n\nزيارةٌ  رسميّة للرئيس\n\nوصل الرئيس إلى العاصمة في زيارة رسمية.\n"
    assert reasons(clean_article(text)) == {1: "title", 3: "repeated_title"}


def test_footer_byline_and_author_bio():
    text = ("عنوان الخبر\nقال المسؤول إن الاتفاق سيوقع الشهر المقبل في العاصمة بحضور الأطراف كافة.\n"
            "___\nBy Jane Doe\n\"Coffee lover. Writer. Occasional runner.\"\n")
    result = clean_article(text)
    assert result.byline == "Jane Doe"
    assert reasons(result) == {1: "title", 3: "separator", 4: "byline", 5: "author_bio"}


# --------------------------------------------------------------------------
# bylines, datelines, sources
# --------------------------------------------------------------------------

LEDE = "أعلنت الحكومة اليوم عن خطة جديدة لدعم الصادرات بقيمة خمسة مليارات دولار خلال العام المقبل."


@pytest.mark.parametrize(
    "line, byline",
    [("محمد النحاس", "محمد النحاس"), ("أحمد عبد الله", "أحمد عبد الله"), ("فاطمة الزهراء علي", "فاطمة الزهراء علي"),
     ("بقلم: سمير رمزي", "سمير رمزي"), ("كتب - خالد سعيد", "خالد سعيد"), ("إعداد: منى حسن", "منى حسن"),
     ("By Reda Hameed", "Reda Hameed"), ("Par Jean Dupont", "Jean Dupont")],
)
def test_byline_under_title(line, byline):
    result = clean_article(f"عنوان الخبر\n{line}\n{LEDE}\n")
    assert result.byline == byline
    assert reasons(result) == {1: "title", 2: "byline"}
    assert result.body_clean == LEDE


@pytest.mark.parametrize("line", ["الأفضل تاريخيًّا", "تعاون عسكري", "مواجهة النظام أحادي القطب",
                                  "تلويح بالتعاون العسكري:"])
def test_short_subheading_under_title_is_not_a_byline(line):
    result = clean_article(f"عنوان الخبر\n{line}\n{LEDE}\n")
    assert result.byline is None
    assert line in result.body_clean.split("\n")


@pytest.mark.parametrize(
    "line, dateline, source, reason",
    [
        ("بكين – مصدر الإخبارية", "بكين", "مصدر الإخبارية", "dateline"),  # seed
        ("أبوظبي - سكاي نيوز عربية", "أبوظبي", "سكاي نيوز عربية", "dateline"),
        ("الرياض — وكالة الأنباء السعودية", "الرياض", "وكالة الأنباء السعودية", "dateline"),
        ("دبي - ماجد الفاسي", "دبي", None, "byline"),
    ],
)
def test_dateline_own_line(line, dateline, source, reason):
    result = clean_article(f"عنوان الخبر\n{line}\n{LEDE}\n")
    assert (result.dateline, result.source_name) == (dateline, source)
    assert reasons(result)[2] == reason
    assert result.body_clean == LEDE


@pytest.mark.parametrize(
    "prefix, dateline, source",
    [
        ("بكين (أ ف ب) – ", "بكين", "أ ف ب"),  # seed shape
        ("موسكو (رويترز) - ", "موسكو", "رويترز"),
        ("دبي، الإمارات العربية المتحدة (CNN)-- ", "دبي، الإمارات العربية المتحدة", "CNN"),
        ("(رويترز) - ", None, "رويترز"),
        ("القاهرة - ", "القاهرة", None),
    ],
)
def test_dateline_prefix_of_the_lede(prefix, dateline, source):
    result = clean_article(f"عنوان الخبر\n{prefix}{LEDE}\nوأضاف أن الخطة تبدأ في يناير.\n")
    assert (result.dateline, result.source_name) == (dateline, source)
    assert result.body_clean.split("\n")[0] == LEDE
    assert reasons(result) == {1: "title", 2: "dateline"}  # the cut prefix is logged too
    assert [r.text for r in result.removed if r.line_no == 2] == [prefix.strip()]


@pytest.mark.parametrize(
    "line, source",
    [("فرانس24/ أ ف ب", "أ ف ب"), ("*نقلاً عن الرؤية الإماراتية", "الرؤية الإماراتية"), ("المصدر: وكالات", "وكالات")],
)
def test_end_source_credit(line, source):
    result = clean_article(f"عنوان الخبر\n{LEDE}\n{line}\n")
    assert result.source_name == source
    assert reasons(result)[3] == "footer"


def test_title_hint():
    text = f"\nزيارة رسمية للرئيس\n{LEDE}\n"
    result = clean_article(text, title_hint="زيارة رسميّة  للرئيس")
    assert result.title == "زيارة رسميّة  للرئيس"
    assert reasons(result) == {2: "title"}
    # hint that is not in the text: nothing is dropped, the lede is not taken as a title
    result = clean_article(LEDE, title_hint="عنوان آخر")
    assert result.title == "عنوان آخر" and result.body_clean == LEDE and result.removed == ()


def test_first_line_that_is_a_paragraph_is_not_taken_as_title():
    result = clean_article(f"{LEDE}\nوأضاف أن الخطة تبدأ في يناير.")
    assert result.body_clean.startswith(LEDE)  # the paragraph stays in the body...
    assert result.title and LEDE.startswith(result.title.rstrip("…"))  # ...and its first sentence titles it
    assert not any(r.reason == "title" for r in result.removed)


# --------------------------------------------------------------------------
# negatives: article sentences with Latin words or numbers are kept
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "ونقلت قناة CCTV الصينية الرسمية عن شي قوله إن التعاون مستمر.",
        "زادت الصادرات الروسية 23% هذا العام",
        "وارتفع حجم التجارة بين البلدين إلى 240 مليار دولار العام الماضي.",
        "وكان كل من HSBC و JP MORGAN منسقين للصفقة.",
        "وكتب حساب @PuccaNoodles على موقع تويتر: شكرا على كل ما فعلته.",
        "شاهد عيان قال إن الانفجار وقع قرب السوق.",
        "للمزيد من التفاصيل حول الخطة، قال الوزير إن الحكومة ستنشر تقريرا كاملا الأسبوع المقبل بعد مراجعته من البرلمان والجهات المختصة وكل الأطراف المعنية بالملف.",
        "شارك في القمة أكثر من 30 رئيس دولة وحكومة.",
        "1- عرض روسيا التعاون العسكري: أعرب الرئيس بوتين عن رغبته في تقارب الدولتين.",
        "الأفضل تاريخيًّا",
        "تلويح بالتعاون العسكري:",
        "أفاد وو من بانكوك. ساهم في ذلك كاتبا وكالة أسوشيتد برس داشا ليتفينوفا في تالين، إستونيا.",
    ],
)
def test_article_sentences_are_kept(line):
    assert only_reason(line) is None


# --------------------------------------------------------------------------
# real articles from the ANT corpus (read-only, outside the repo)
# --------------------------------------------------------------------------


def _ant_sample(every: int = 400):
    (archive,) = ANT_DIR.glob("antcorpus.multisource.data-*.tar.gz")
    out = []
    with tarfile.open(archive) as tf:
        for i, member in enumerate(tf):
            if member.isfile() and member.name.endswith(".txt") and i % every == 7:
                raw = tf.extractfile(member).read().decode("utf-8", "replace")
                get = lambda tag: (re.search(rf"<{tag}>(.*?)</{tag}>", raw, re.S) or [None, ""])[1]  # noqa: E731
                out.append((member.name, get("TITLE").strip(), get("TEXT")))
    return out


@pytest.mark.skipif(not ANT_DIR.is_dir(), reason="ANT corpus not available at ../shared/corpus/ant")
def test_ant_articles():
    sample = _ant_sample()
    assert len(sample) >= 30
    noise = re.compile(r"^(?:-{4,}|_{4,}|يمكنكم (?:استلام|تسلم) إشعارات|اقرأ أيضا|إقرأ أيضا|للمزيد:|\*\* جميع المقالات)", re.M)
    kept_chars = total_chars = 0
    for name, title, text in sample:
        result = clean_article(text, title_hint=title)
        assert result.title == title
        assert noise.search(result.body_clean) is None, (name, noise.search(result.body_clean))
        assert not re.match(r"^.{0,60}\(CNN\)\s*[-–—]", result.body_clean), name  # CNN dateline cut
        if "(CNN)" in text.split("\n", 3)[1][:80]:
            assert result.source_name == "CNN", name
        originals = [line.strip() for line in text.split("\n") if line.strip()]
        for kept in result.body_clean.split("\n") if result.body_clean else []:
            assert any(o.endswith(kept) for o in originals), (name, kept)
        kept_chars += len(result.body_clean)
        total_chars += sum(map(len, originals))
    # these are clean-ish news bodies: almost all the text must survive
    assert kept_chars > 0.95 * total_chars


def test_reporting_credit_at_the_end_is_removed():
    article = (
        "عنوان تجريبي للخبر\n\n"
        "قال المتحدث باسم الوزارة إن الاجتماع سيعقد الأسبوع المقبل لمناقشة الملفات العالقة.\n\n"
        "وأضاف أن الجانبين اتفقا على مواصلة التشاور خلال الأيام المقبلة.\n\n"
        "أفاد سميث من نيروبي. ساهمت في إعداد هذا التقرير مراسلة الوكالة في كمبالا.\n"
    )
    result = clean_article(article)
    assert reasons(result).get(7) == "footer"
    assert "نيروبي" not in result.body_clean


# --------------------------------------------------------------------------
# modern corpora (AlMayadeen 2023-24, SaudiNewsNet 2015): one real line per
# fixture, plus a real sentence of the same start that must be kept
# --------------------------------------------------------------------------


def head_result(line: str) -> CleanedArticle:
    """`line` right under the title of an ordinary article."""
    return clean_article(f"عنوان الخبر\n{line}\n{LEDE}\n")


# the column reported as removed whole (757 characters, SaudiNewsNet / arreyadi):
# a long paragraph with no full stop or comma, only "…" and ":"
ARREYADI_COLUMN = (
    "سأتوقف غداً في إجازة قصيرة أعود بعدها إن شاء الله إلى الكتابة الأسبوعية التي بدأتها في صحيفة "
    "(الملاعب الرياضية) عام 1985 واستمرت في صحيفة ( الرياضي) حتى رأى (محمد البكيري) قبل سنتين ونصف أن "
    "تتحوّل الى زاوية يومية… منذ أن تولى (صالح الخليف) رئاسة تحرير الصحيفة وهو يحاول إقناعي بالعودة إلى "
    "الزاوية الأسبوعية وانضم إليه عدد من الأصدقاء والزملاء والقراء … مبررهم أن الزاوية اليومية فقدت "
    "حضورها بوجود مواقع التواصل الاجتماعي التي يستطيع الكاتب من خلالها أن يقول رأيه بالحدث فور وقوعه "
    "دون حاجة للانتظار إلى رأيه اليومي غداً… هذا واقع ولكن الوجه الآخر لهذا الواقع أننا في عصر التغريدة "
    "وليس المقالات الطويلة… هناك من يقول: إن المقالة الأسبوعية تُريح القارئ من عناء المتابعة اليومية "
    "لاسيما وهو متعب من متابعة مواقع التواصل…ألتقي بكم قريبا إن شاءالله في (الكلمة هدف)"
)
# real lines with no punctuation at all: a list of attendees (3alyoum) and a
# nabati poem whose verses lost their line breaks (al-jazirah), cut to ~460 chars
ATTENDEES = (
    "حضر الحفل صاحب السمو الأمير تركي بن سعد بن سعود و صاحب السمو الملكي الأمير تركي بن هذلول بن "
    "عبدالعزيز و صاحب السمو الملكي الأمير سعود بن فيصل بن مساعد و صاحب السمو الملكي الأمير سعود بن سيف "
    "الدين بن سعود و صاحب السمو الملكي الأمير محمد بن سيف الدين بن سعود و صاحب السمو الملكي الأمير مشعل "
    "بن سيف الدين بن سعود و صاحب السمو الأمير مشاري بن فهد بن مشاري و صاحب السمو الأمير عبدالله بن فهد "
    "بن مشاري و صاحب السمو الأمير فهد بن نايف بن عبدالله"
)
POEM = (
    "غابت عيونك وانتهى الوقت لاهي يا زحمة الاعوام فيني بطاريك حمل العتب قيد الصدر في شفاهي سلّم ترى حلو "
    "الحكي منك يكفيك ولا جفا بين الحبايب تباهي والله مابي منك غمرات تشكيك وأقرب دروب الود واسأل متى هي "
    "ابغيك جاوب حس الأشواق أبغيك واتنفس العشق الذي جاك فاهي تدري أنا كلي أموت بمحانيك تذبل على شح العطا "
    "بالسواهي وتدري ورودي يانعة بين أياديك تشرق بنورك في حروفي وجاهي وتدري بأن الصبح شمسه تناديك وكل "
    "الثمر من دون وصلك تناهي ما طاب حرثي لو حصاده بيلغيك"
)


@pytest.mark.parametrize("line", [ARREYADI_COLUMN, ATTENDEES, POEM])
def test_long_prose_without_punctuation_is_not_a_ticker(line):
    assert len(line) > 400
    assert only_reason(line) is None


def test_a_real_ticker_is_still_a_ticker():
    # the seed's ticker (headlines cut by runs of spaces) and a ticker that
    # loops its headlines with no separator at all
    assert reasons(clean_article(seed("003")))[1] == "ticker"
    heads = ["الأمطار تغرق شوارع المدينة", "وزير المالية يستقيل بعد فضيحة", "منتخب الشباب يفوز على زامبيا",
             "أسعار الذهب ترتفع مجددا", "انطلاق معرض الكتاب الدولي في الرباط"]
    assert only_reason(" ".join(heads * 3)) == "ticker"


@pytest.mark.parametrize(
    "line",
    [
        # a ranking cut by no-break spaces (ANT / Sky News Arabia)
        f"1- الرومانية سيمونا هاليب{NBSP * 7} 7965 نقطة 2- الدنماركية كارولاين فوزنياكي{NBSP * 2} 7525 "
        f"3- الإسبانية غاربيني موغوروتسا{NBSP * 3} 6175 4- الأوكرانية إيلينا سفيتولينا{NBSP * 3} 5480",
        # poem verses introduced by a colon (Sabq)
        f"نظم الشاعر قصيدة رثاءً في وفاة الأمير سعود الفيصل{NBSP * 4}وفيما يلي أبيات القصيدة:{NBSP * 4}"
        f"الموت حقٍ ماعن الموت مجناب... ولو انها بالفدي ياسعود نفديك{NBSP * 4}"
        f"يالفيصلي هذا العرب هم والاجناب... الكل يشهد لك بطيبة مساعيك{NBSP * 4}"
        f"وبالدبلوماسيه على كل الاقطاب... نلت الفخر ياسعود محدٍ مباريك",
    ],
)
def test_inline_lists_are_not_tickers(line):
    assert only_reason(line) is None


@pytest.mark.parametrize("line", ["// انتهى //", "//انتهى//", "// انتهـــى //", "// يتبع //", "// يتبع // 19:23 ت م"])
def test_end_of_wire_markers(line):
    assert only_reason(line) == "footer"


@pytest.mark.parametrize("line", ["16:40 ت م", "10:14 ت م NNNN"])
def test_wire_time_stamps(line):
    assert only_reason(line) == "widget"


@pytest.mark.parametrize(
    "line",
    ["انتهى التصويت رسمياً، اليوم الأحد، في الجولة الثانية من الانتخابات الرئاسية في تركيا.",
     "هذا هو بيت القصيد وانتهى!", "وبدأ الاجتماع في الساعة 16:40 بتوقيت مكة المكرمة."],
)
def test_sentences_about_ending_or_time_are_kept(line):
    assert only_reason(line) is None


@pytest.mark.parametrize(
    "line, dateline, source",
    [
        ("الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس", "الرياض", "واس"),
        ("مكة المكرمة 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس", "مكة المكرمة", "واس"),
        (f"القطيف 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م {NBSP} {NBSP}واس", "القطيف", "واس"),
        ("سان فرانسيسكو 20 يوليو تموز (رويترز) -", "سان فرانسيسكو", "رويترز"),
    ],
)
def test_agency_dateline_with_dates(line, dateline, source):
    result = head_result(line)
    assert (result.dateline, result.source_name) == (dateline, source)
    assert reasons(result) == {1: "title", 2: "dateline"}
    assert result.body_clean == LEDE


def test_a_sentence_with_a_date_under_the_title_is_kept():
    line = "وصل الوفد إلى الرياض 26 شوال 1436 هـ"
    assert head_result(line).body_clean.split("\n")[0] == line


@pytest.mark.parametrize(
    "line, byline, dateline, source",
    [
        ("ياسر الحربي – حائل", "ياسر الحربي", "حائل", None),
        ("عمر إبراهيم – عين اليوم", "عمر إبراهيم", None, "عين اليوم"),
        ("الأحساء ـ عادل الدحيلان", "عادل الدحيلان", "الأحساء", None),  # a lone tatweel as the dash
        ("عين اليوم – متابعات", None, None, "عين اليوم"),
        ("Next Previous عين اليوم – جدة", None, "جدة", "عين اليوم"),  # gallery navigation glued before
        ("Next Previous أحمد حجازي – جدة", "أحمد حجازي", "جدة", None),
    ],
)
def test_reporter_and_desk_lines_at_the_start(line, byline, dateline, source):
    result = head_result(line)
    assert (result.byline, result.dateline, result.source_name) == (byline, dateline, source)
    assert 2 in reasons(result)
    assert result.body_clean == LEDE


def test_gallery_navigation_alone_is_a_widget():
    assert only_reason("Next Previous") == "widget"


@pytest.mark.parametrize(
    "prefix, byline, dateline, source",
    [
        ("ماجد الرفاعي- سبق- جدة: ", "ماجد الرفاعي", "جدة", "سبق"),
        ("سبق- الرياض: ", None, "الرياض", "سبق"),
        ("واس- الرياض: ", None, "الرياض", "واس"),
        ("محمد عطيف- سبق: ", "محمد عطيف", None, "سبق"),
        ("* تونس - رويترز: ", None, "تونس", "رويترز"),
    ],
)
def test_dashed_credit_prefix_of_the_lede(prefix, byline, dateline, source):
    result = clean_article(f"عنوان الخبر\n{prefix}{LEDE}\nوأضاف أن الخطة تبدأ في يناير.\n")
    assert (result.byline, result.dateline, result.source_name) == (byline, dateline, source)
    assert result.body_clean.split("\n")[0] == LEDE


@pytest.mark.parametrize(
    "lede",
    [
        "1945 - الحرب العالمية الثانية: قنبلة نووية تدمر مدينة هيروشيما في اليابان تلتها بعد ثلاثة أيام قنبلة مماثلة.",
        "1 - أمانة العاصمة المقدسة: الموافقة على نزع ملكية 3 عقارات لتنفيذ مشروع ربط العزيزية بالدور الثاني.",
        "وقال رياض الأشقر - الناطق الإعلامي للمركز: إن أوضاع السجون الإسرائيلية تعتبر أرضية خصبة لانتشار الأمراض.",
    ],
)
def test_ledes_that_open_with_a_dash_and_a_colon_are_kept_whole(lede):
    result = clean_article(f"عنوان الخبر\n{lede}\nوأضاف أن الخطة تبدأ في يناير.\n")
    assert result.body_clean.split("\n")[0] == lede


def test_a_place_dateline_before_a_company_name_keeps_the_company():
    # "place – company: ..." : only the place is a dateline prefix
    lede = "المملكة المتحدة – شازام: جمع تطبيق التعرف الموسيقي نحو 125 مليون دولار من مستثمرين."
    result = clean_article(f"عنوان الخبر\n{lede}\nوأضاف أن الخطة تبدأ في يناير.\n")
    assert result.body_clean.split("\n")[0].startswith("شازام: جمع تطبيق")


def test_contact_the_writer_footer_block_split_over_lines():
    text = (f"عنوان الخبر\n{LEDE}\n"
            "للتواصل أرسل sms إلى 88548 الاتصالات، 636250 موبايلي،\n"
            "738303 زين تبدأ بالرمز 153\n"
            "مسافة ثم الرسالة\n")
    result = clean_article(text)
    assert result.body_clean == LEDE
    assert reasons(result) == {1: "title", 3: "footer", 4: "footer", 5: "footer"}


def test_contact_the_writer_footer_block():
    text = (f"عنوان الخبر\n{LEDE}\n"
            "للتواصل مع الكاتب ارسل رسالة SMS\n"
            "تبدأ بالرمز (122) ثم مسافة ثم نص الرسالة إلى\n"
            "88591 - Stc\n635031 - Mobily\n737221 - Zain\n")
    result = clean_article(text)
    assert result.body_clean == LEDE
    assert reasons(result) == {1: "title", 3: "footer", 4: "footer", 5: "footer", 6: "footer", 7: "footer"}


@pytest.mark.parametrize(
    "line",
    [
        "لمراسلة الكاتب: turki@alriyadh.net",
        "للتواصل أرسل sms إلى 88548 الاتصالات، 636250 موبايلي،",
        "writer@example.comللتواصل مع الكاتب ارسل رسالة SMS تبدأ بالرمز (77) ثم مسافة ثم نص الرسالة إلى 88591 - Stc",
        "تبدأ بالرمز (122) ثم مسافة ثم نص الرسالة إلى",
        "178 مسافة ثم الرسالة",
        "writer.name@example.com",
        "تويتر: @Arfaj1",
    ],
)
def test_writer_contact_lines(line):
    assert only_reason(line) == "footer"


@pytest.mark.parametrize(
    "line",
    [
        "كشف موقع «فيسبوك» للتواصل الاجتماعي عن طائرته من دون طيار والتي يخطط لها أن تقدم خدمة الإنترنت.",
        "يمتلك العالم الافتراضي إمكانيات عالية للتواصل والتقريب بين البشر.",
        "وكتب الوزير على حسابه في تويتر أنه سيزور الرياض الأسبوع المقبل.",
        "3. تطبيق «فيسبوك» Facebook",
    ],
)
def test_sentences_about_social_networks_are_kept(line):
    assert only_reason(line) is None


@pytest.mark.parametrize("line", ["تويتر", "تويتر :", "فيسبوك تويتر واتساب", "Facebook | Twitter | WhatsApp",
                                  "...المزيد", "المزيد...", "تعليقات ()"])
def test_share_and_more_widgets(line):
    assert only_reason(line) == "widget"


def test_share_widget_glued_before_the_lede_is_cut_off():
    line = ("شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك أوضحت شرطة منطقة تبوك حقيقة ما تم تداوله "
            "عبر وسائل التواصل الاجتماعي والمتضمن مقطع فيديو لامرأة.")
    result = head_result(line)
    assert result.body_clean.split("\n")[0].startswith("أوضحت شرطة منطقة تبوك")
    assert RemovedLine(2, "widget", "شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك") in result.removed
    # "شارك في ..." is a sentence
    assert only_reason("شارك في القمة أكثر من 30 رئيس دولة وحكومة من مختلف القارات وممثلو المنظمات.") is None


def test_link_to_the_story_footer_glued_to_the_last_sentence_is_cut_off():
    text = (f"عنوان الخبر\n{LEDE}\n"
            "ومضة إنسانية: اعتراف المخطئ دليل إنسانيته. رابط الخبر بصحيفة الوئام: كلنا مخطىء\n")
    result = clean_article(text)
    assert result.body_clean.split("\n")[-1] == "ومضة إنسانية: اعتراف المخطئ دليل إنسانيته."
    assert RemovedLine(3, "footer", "رابط الخبر بصحيفة الوئام: كلنا مخطىء") in result.removed
    assert "الوئام" not in result.body_clean
    # on its own line the whole line goes, as before; a sentence about a link stays
    assert only_reason("رابط الخبر بصحيفة الوئام: الحوثيون يخرقون الهدنة في اليمن") == "footer"
    assert only_reason("وأرسلت الوزارة رابط التسجيل إلى المتقدمين عبر البريد الإلكتروني.") is None


@pytest.mark.parametrize(
    "line",
    [
        "نقلته إلى العربية: بتول دياب",
        "نقلها إلى العربية: حسين قطايا.",
        "نقله إلى العربية حسين قطايا",
        "- ترجمة/ بثينة الإبراهيم (بتصرّف)",
        "أدناه نص المقال منقولاً إلى العربية بتصرف:",
        "وفيما يلي نص المقال كاملاً منقولاً إلى العربية:",
        "ترجمة خاصة بالميادين نت",
    ],
)
def test_translator_credits(line):
    result = clean_article(
        "عنوان تجريبي للخبر\n\n"
        "قال المتحدث باسم الوزارة إن الاجتماع سيعقد الأسبوع المقبل لمناقشة الملفات العالقة.\n\n"
        f"{line}\n\nوأضاف أن الجانبين اتفقا على مواصلة التشاور خلال الأيام المقبلة.\n"
    )
    assert reasons(result).get(5) == "credit"
    assert result.byline is None  # a translator is not the author


@pytest.mark.parametrize(
    "line",
    [
        "ترجمة: عفيف الرزّاز (بيروت: مؤسّسة الأبحاث العربيّة)، 181.",
        "في الواقع، يمكن ترجمة النظرية أعلاه وفق عدة فرضيات، من بينها:",
        "وقال نافيه في تصريحات نقلها موقع والاه الإسرائيلي إنه لن يستقيل.",
        "تحرير الموصل",
        "متابعة الأوضاع في غزة",
        "تقرير لإدارة الاتحاد",
    ],
)
def test_sentences_that_start_like_credits_are_kept(line):
    assert only_reason(line) is None


def test_a_subheading_near_the_end_is_not_a_byline_and_its_paragraph_is_kept():
    # "تقرير لإدارة الاتحاد" was taken for a footer byline and the paragraph
    # after it for the author's bio
    text = (f"عنوان الخبر\n{LEDE}\nتقرير لإدارة الاتحاد\n"
            "وأضاف: نحن كلجنة فنية سنرفع تقريرا إلى مجلس الإدارة في الاتحاد العربي.\n")
    result = clean_article(text)
    assert result.byline is None
    assert reasons(result) == {1: "title"}


@pytest.mark.parametrize(
    "line, byline",
    [
        ("إعداد : علي محمد الشهري تصوير : تركي البوق", "علي محمد الشهري"),
        ("تقرير - خالد سعيد", "خالد سعيد"),
        ("متابعة: منى حسن", "منى حسن"),
    ],
)
def test_author_credits_anywhere_are_bylines(line, byline):
    result = clean_article(
        "عنوان تجريبي للخبر\n\n"
        "قال المتحدث باسم الوزارة إن الاجتماع سيعقد الأسبوع المقبل لمناقشة الملفات العالقة.\n\n"
        f"{line}\n\nوأضاف أن الجانبين اتفقا على مواصلة التشاور خلال الأيام المقبلة.\n"
    )
    assert reasons(result).get(5) == "byline"
    assert result.byline == byline


@pytest.mark.parametrize(
    "line, source",
    [("* خدمة «نيويورك تايمز»", "نيويورك تايمز"), ("* بالاتفاق مع «بلومبيرغ»", "بلومبيرغ"),
     ("خاص بـ«الشرق الأوسط»", "الشرق الأوسط")],
)
def test_syndication_credit_at_the_end(line, source):
    result = clean_article(f"عنوان الخبر\n{LEDE}\n{line}\n")
    assert reasons(result).get(3) == "footer"
    assert result.source_name == source


@pytest.mark.parametrize("line", ["خدمة العملاء متاحة على مدار الساعة", "خدمة مواعدة"])
def test_a_short_last_line_about_a_service_is_kept(line):
    result = clean_article(f"عنوان الخبر\n{LEDE}\n{line}\n")
    assert result.body_clean.endswith(line) and result.source_name is None


def test_a_numbered_heading_with_a_tatweel_dash_is_not_a_dateline():
    result = head_result("I ـ لم يبق شيء بعدك")
    assert result.dateline is None and "I ـ لم يبق شيء بعدك" in result.body_clean


@pytest.mark.parametrize(
    "line, reason",
    [
        ("مقالات أخرى للكاتبوزير بلا مكتب !الغرامة والتشهير.. علاج التحرش!كيف تجذب داعش ضحاياها؟", "related_link"),
        ("اطلع على ملفنا الخاص بمونديال روسيا 2018", "related_link"),
        ("مقالات أخرى كثيرة تناولت الموضوع نفسه في الصحف الأجنبية خلال الأسبوع الماضي.", None),
    ],
)
def test_more_by_the_writer_and_own_coverage_promos(line, reason):
    assert only_reason(line) == reason


def test_a_long_english_read_more_line_is_a_related_link_however_long():
    teaser = "Read more about the talks between the two presidents, and what they mean for the region. " * 6
    assert len(teaser) > 400
    assert only_reason(teaser) == "related_link"
    # an English sentence that does not open with the marker stays (a quote, a name)
    assert only_reason("Readers of the Financial Times were told the talks had failed, officials said.") is None
