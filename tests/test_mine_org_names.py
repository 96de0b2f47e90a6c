"""Organisation names mined from news (flows/mine_org_names.py) and their gazetteer step."""
from pathlib import Path

import pytest

from flows import mine_org_names as M
from flows.build_gazetteer import Row, add_corpus_orgs, resolve_collisions
from flows.gazetteer_lists import read_tsv
from flows.ner import extract_precise
from flows.normalize import normalize

REPO = Path(__file__).resolve().parents[1]
MINED = REPO / "seeds" / "gazetteer" / "corpus_org_names.tsv"


def n(s: str) -> str:
    return " ".join(normalize(s).split())


@pytest.fixture(scope="module")
def lex():
    return M.Lexicon()


def art(i: int, text: str) -> M.Article:
    return M.Article("test", f"u{i}", text)


# sentences as the news writes them (SaudiNewsNet, AlMayadeen, ANT)
OBSERVATORY = ["وقال المرصد السوري لحقوق الإنسان إن {} مدنيين قتلوا.", "وأفاد المرصد السوري لحقوق الإنسان، بمقتل {} عناصر.",
               "ذكر المرصد السوري لحقوق الإنسان في بيان أن الاشتباكات مستمرة {}."]
MINISTRY = ["وقالت وزارة الخارجية الروسية في بيان {}.", "أعلنت وزارة الخارجية الأمريكية أن {}.",
            "ونددت وزارة الخارجية الفرنسية بالهجوم {}.", "وقالت وزارة الخارجية التركية إن {}."]


def corpus() -> list[M.Article]:
    arts = []
    for i in range(12):
        arts.append(art(i, OBSERVATORY[i % 3].format(i) + "\n" + MINISTRY[i % 4].format(i)))
    return arts


def test_head_sequences_stop_at_punctuation_function_words_and_other_bodies(lex):
    seqs = [" ".join(ns) for ns, _, _ in M.head_sequences(
        "أصدرت وزارة الصحة والشئون الصحية بوزارة الحرس الوطني بيانا، وقال المرصد السوري لحقوق الإنسان إن", lex)]
    # بوزارة: another body (a proclitic on a head) ends the first sequence
    assert seqs[0] == n("وزارة الصحة والشئون الصحية")
    assert n("وزارة الحرس الوطني بيانا") in seqs  # the comma ends it
    assert seqs[-1] == n("المرصد السوري لحقوق الإنسان")  # إن is a function word
    # العام after a definite word of the name is "general", before a time word "the year"
    assert [" ".join(ns) for ns, _, _ in M.head_sequences("هيئة التحقيق والادعاء العام الماضي", lex)] == [
        n("هيئة التحقيق والادعاء")]
    # a proclitic on the head is not part of the name; لل reads as ال
    (ns, raws, _), = M.head_sequences("نقلا عن للمرصد السوري.", lex)
    assert raws == ["المرصد", "السوري"]


def test_a_fixed_name_is_mined_and_a_ministry_described_by_its_country_is_not(lex):
    c = M.count_prefixes(corpus(), lex)
    judged = {m.key: m for m in M.select(c, lex, min_count=3, min_docs=3)}
    full = judged[n("المرصد السوري لحقوق الإنسان")]
    assert full.reason == "" and full.count == 12 and full.docs == 12
    # the shorter form is always continued the same way: not maximal
    assert judged[n("المرصد السوري")].reason == "not_maximal"
    # وزارة الخارجية is followed by a different nationality each time: a description
    assert judged[n("وزارة الخارجية")].reason == "definite_continuation"


def words_for(counts: dict[str, int], lex) -> M.Words:
    c = M.Counts()
    c.words.update({n(w): k for w, k in counts.items()})
    c.words[n("في")] = 1_000_000  # a corpus of about a million words
    return M.Words(lex, c, frozenset({n("فهد"), n("محمد")}))


@pytest.mark.parametrize("name,counts,reason", [
    ("مجلس وزراء الداخلية العرب", {"وزراء": 900, "الوزراء": 5000, "العربي": 400, "العرب": 300}, ""),
    ("وزارة الحرس الوطني", {}, ""),
    ("مستشفى الملك فهد", {"فهد": 800}, ""),
    ("تنظيم إرهابي", {"إرهابي": 300, "الإرهابي": 900}, "indefinite_word_outside_construct"),
    ("وزارة الداخلية تعلن", {"تعلن": 3000}, "indefinite_word_outside_construct"),
    ("مجلس إدارة الشركة", {"إدارة": 3000, "الإدارة": 2000}, "another_body"),
    ("مجلس الإدارة", {}, "ends_in_anaphora"),  # "the administration" named before
    ("الجيش الروسي", {}, "nationality_only"),
    ("البنك الجديد", {}, "describing_adjective"),
    ("تنظيم داعش الإرهابي", {}, "describing_adjective"),
    ("جامعة الملك", {}, "ends_in_title"),
    ("المرصد السوري لحقوق", {"حقوق": 300, "لحقوق": 100}, "ends_in_dangling_lam"),
    ("اللجنة التنفيذية", {}, "definite_head_without_complement"),
    ("المديرية العامة للجوازات", {}, ""),
    ("مجلس الشورى القرار", {}, "definite_noun_after_definite"),
    ("مجلس إدارتها", {}, "pronoun_suffix"),
    ("وزارة الداخلية اللواء منصور", {}, "person_in_apposition"),
    ("وزارة الداخلية اللواء", {}, "ends_in_title"),
    ("شركة الكهرباء", {}, "weak_head_without_name"),
])
def test_name_reason(lex, name, counts, reason):
    words = n(name).split()
    assert M.name_reason(words, words_for(counts, lex), M.gazetteer_mentions(n(name))) == reason


def test_grammar_reads_the_names_it_can_and_not_the_others():
    assert M.grammar_reads("وزارة الخارجية")
    assert M.grammar_reads("البنك المركزي الأوروبي")
    assert not M.grammar_reads("المرصد السوري لحقوق الإنسان")  # ل + a noun in construct
    assert not M.grammar_reads("وزارة الحرس الوطني")  # a definite head inside
    assert not M.grammar_reads("مجلس وزراء الداخلية العرب")  # a plural noun in construct


def test_translit_slug():
    assert M.translit_slug(n("وزارة الحرس الوطني")) == "wzarh_alhrs_alwtny"


def test_committed_list_is_well_formed():
    rows = read_tsv(MINED)
    assert len(rows) > 100
    assert set(M.COLUMNS) <= set(rows[0])
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        assert int(r["count"]) >= M.MIN_COUNT and int(r["docs"]) >= M.MIN_DOCS
        assert r["grammar"] in ("0", "1")
        assert n(r["name"]) == r["key"]
    names = {r["name"]: r for r in rows}
    assert names["المرصد السوري لحقوق الإنسان"]["grammar"] == "0"
    assert names["وزارة الداخلية"]["grammar"] == "1"  # the grammar reads it: not in the gazetteer


def test_add_corpus_orgs_merges_spellings_skips_grammar_names_and_loses_collisions(tmp_path):
    tsv = tmp_path / "mined.tsv"
    header = "\t".join(M.COLUMNS)
    lines = ["# test", header,
             "جامعة الملك عبدالعزيز\tx\t115\t115\t0\t0\t115\t50\t0.1\t0.1\t0",
             "جامعة الملك عبد العزيز\tx\t18\t18\t0\t0\t18\t9\t0.1\t0.1\t0",
             "وزارة الداخلية\tx\t900\t800\t0\t0\t800\t500\t0.1\t0.1\t1",
             "منظمة التحرير الفلسطينية\tx\t90\t80\t0\t0\t80\t50\t0.1\t0.1\t0"]
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = {"org:plo": Row("org:plo", "ORG", "منظمة التحرير الفلسطينية", "PLO")}
    assert add_corpus_orgs(rows, tmp_path, tsv) == 2  # one university (two spellings), the PLO
    mined = [r for r in rows.values() if r.entity_id.startswith(M.CORPUS_ID_PREFIX)]
    uni = next(r for r in mined if r.canonical == "جامعة الملك عبدالعزيز")
    assert uni.aliases == ["جامعة الملك عبد العزيز"] and uni.entity_type == "ORG" and uni.sources == ["corpus"]
    assert not any(r.canonical == "وزارة الداخلية" for r in mined)
    resolve_collisions(rows)
    # an existing entity's key wins: the mined copy of the PLO is dropped
    assert "org:plo" in rows and sum(r.canonical == "منظمة التحرير الفلسطينية" for r in rows.values()) == 1


def orgs(text: str) -> dict[str, str]:
    return {m.surface: m.entity_id for m in extract_precise(text) if m.entity_type == "ORG"}


def test_pipeline_finds_mined_names_whole():
    found = orgs("وقال المرصد السوري لحقوق الإنسان إن الاشتباكات مستمرة.")
    assert list(found) == ["المرصد السوري لحقوق الإنسان"]
    assert found["المرصد السوري لحقوق الإنسان"].startswith(M.CORPUS_ID_PREFIX)
    assert "وزارة الحرس الوطني" in orgs("أعلنت وزارة الحرس الوطني أمس عن وظائف.")
    # the grammar still reads the longer name a mined name would be part of
    assert "وزارة الخارجية الروسية" in orgs("وقالت وزارة الخارجية الروسية في بيان إن")


def test_a_unit_of_another_body_ends_the_name_even_when_the_gazetteer_knows_that_body():
    found = orgs("فقد أصدرت وزارة الصحة والشئون الصحية بوزارة الحرس الوطني بياناً مشتركاً")
    assert "وزارة الصحة" in found and "وزارة الحرس الوطني" in found
    assert not any(s.startswith("وزارة الصحة والشئون") for s in found)
