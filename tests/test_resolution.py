"""A generic body's name (وزارة الصحة) is the body of the country the article makes clear, one
entity per country; proper names and persons are never touched."""
from flows import ner, stages
from flows.ner.resolution import article_country, generic_name, scope_generic_bodies, scoped_name

PALESTINE = ("أعلنت وزارة الصحة الفلسطينية في غزة ارتفاع عدد الضحايا. وقالت وزارة الصحة إن "
             "المستشفيات في غزة ورام الله تعاني نقصا حادا.")
EGYPT = "قالت وزارة الصحة في القاهرة إن الإسكندرية والجيزة سجلتا حالات جديدة، وأكدت مصر أن الوضع مستقر."
NOWHERE = "قالت وزارة الصحة إن الحملة تبدأ الأسبوع المقبل في المدارس."
MIXED = "قالت وزارة الصحة إن وفدا من مصر زار الأردن، ثم عاد الوفد إلى مصر قبل أن يزور الأردن."


def _orgs(text):
    return [(m.surface, m.entity_id, m.canonical) for m in scope_generic_bodies(ner.extract_precise(text))
            if m.entity_type == "ORG"]


def test_generic_name_reads_head_common_words_and_a_final_nisba():
    assert generic_name("وزارة الصحة") == ("وزارة الصحة", None)
    assert generic_name("وزارة الصحة الفلسطينية") == ("وزارة الصحة", "PS")
    assert generic_name("البنك المركزي المصري") == ("البنك المركزي", "EG")
    assert generic_name("وزارة الصحة السعودية") == ("وزارة الصحة", "SA")  # a country name read as a nisba
    assert generic_name("جامعة القاهرة") is None        # a place in it: a proper name
    assert generic_name("صحيفة الرياضية") is None       # a newspaper: one title, not a national body
    assert generic_name("الجيش الإسرائيلي") is None     # a nationality alone is no name


def test_the_scoped_name_agrees_with_its_head():
    assert scoped_name("وزارة الصحة", "PS") == "وزارة الصحة الفلسطينية"
    assert scoped_name("مجلس النواب", "JO") == "مجلس النواب الأردني"
    assert scoped_name("وزارة الصحة", "SA") == "وزارة الصحة السعودية"
    assert scoped_name("مجلس الشورى", "SA") == "مجلس الشورى السعودي"


def test_a_bare_body_takes_the_country_the_article_names_with_it():
    orgs = _orgs(PALESTINE)
    assert {eid for _, eid, _ in orgs} == {"org:auto:" + ner.fold("وزارة الصحة") + ":ps"}
    assert {canon for _, _, canon in orgs} == {"وزارة الصحة الفلسطينية"}
    assert len(orgs) == 2


def test_a_bare_body_takes_the_articles_country_or_stays_generic():
    (_, egypt, canon), = _orgs(EGYPT)
    assert egypt.endswith(":eg") and canon == "وزارة الصحة المصرية"
    (_, nowhere, _), = _orgs(NOWHERE)
    assert nowhere == "org:auto:" + ner.fold("وزارة الصحة")     # no country named: generic
    (_, mixed, _), = _orgs(MIXED)
    assert mixed == nowhere                                      # two countries, no majority: generic


def test_article_country_needs_a_clear_majority():
    assert article_country(ner.extract_precise(EGYPT)) == "EG"
    assert article_country(ner.extract_precise(MIXED)) is None
    assert article_country(ner.extract_precise("زار الوفد مصر")) is None   # named once: not clear


def test_the_warehouse_keeps_two_countries_ministries_apart_and_persons_alone():
    articles = [{"article_id": "a1", "body_clean": PALESTINE, "title": ""},
                {"article_id": "a2", "body_clean": EGYPT, "title": ""},
                {"article_id": "a3", "body_clean": "وقال الرئيس الفلسطيني محمود عباس في رام الله إن وزارة الصحة جاهزة. "
                                                   "وأكد عباس أن غزة تحتاج الدعم", "title": ""}]
    rows, entities = stages.extract_entities(articles, "run")
    ministries = {r["article_id"]: r["entity_id"] for r in rows if r["surface"] == "وزارة الصحة"}
    assert ministries["a1"] == ministries["a3"] != ministries["a2"]
    assert entities[ministries["a1"]]["canonical_name"] == "وزارة الصحة الفلسطينية"
    # every other mention keeps the id the extractor gave it
    unscoped = {(a["article_id"], m.start, m.end): m.entity_id for a in articles
                for m in ner.extract_precise(a["body_clean"])}
    changed = {(r["article_id"], r["surface"]) for r in rows
               if unscoped[(r["article_id"], r["char_start"], r["char_end"])] != r["entity_id"]}
    assert changed == {("a1", "وزارة الصحة"), ("a1", "وزارة الصحة الفلسطينية"), ("a2", "وزارة الصحة"),
                       ("a3", "وزارة الصحة")}


def test_a_bare_body_the_gazetteer_knows_as_international_is_that_body():
    # مجلس الأمن in news about Gaza is the UN Security Council, not a Palestinian council
    text = "دعا مجلس الأمن إلى وقف إطلاق النار في غزة، وقالت وزارة الصحة الفلسطينية في رام الله إن الوضع خطير."
    assert ("مجلس الأمن", "org:unsc") in [(s, eid) for s, eid, _ in _orgs(text)]
    # named with a country's nisba in the article, it is that country's council
    text = "اجتمع مجلس الأمن الروسي في موسكو. وقال مجلس الأمن إن الخطر قائم على روسيا."
    assert {(eid, canon) for _, eid, canon in _orgs(text)} == {
        ("org:auto:" + ner.fold("مجلس الأمن") + ":ru", "مجلس الأمن الروسي")}


def test_the_scoped_name_uses_the_adjective_not_the_peoples_plural():
    assert scoped_name("مجلس الأمن", "RU") == "مجلس الأمن الروسي"   # not الروس
    assert scoped_name("وزارة الخارجية", "US").endswith("ية")
