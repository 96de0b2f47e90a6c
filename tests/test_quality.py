import json

import pandas as pd
import pytest

from flows.config import expectations_dir
from flows.quality import GateFailed, QualityGates, load_suite_dicts, raise_if_fatal


@pytest.fixture(scope="module")
def gates():
    return QualityGates(expectations_dir())


def test_every_stage_has_a_suite_and_every_expectation_an_action():
    suites = load_suite_dicts(expectations_dir())
    assert {s["meta"]["stage"] for s in suites.values()} == {"ingest", "clean", "normalize", "entities", "models"}


def test_suite_without_action_is_refused(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"name": "x", "meta": {"stage": "x", "id_column": "id"},
        "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}]}))
    with pytest.raises(ValueError, match="on_failure"):
        load_suite_dicts(tmp_path)


def _clean_frame(bodies):
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(len(bodies))], "title": ["عنوان"] * len(bodies),
                         "body_clean": bodies, "kept_ratio": [0.9] * len(bodies)})


def test_a_broken_row_is_marked_for_quarantine(gates):
    good = "جمعت قمة افتراضية الرئيس الروسي فلاديمير بوتين والزعيم الصيني شي جين بينج."
    outcome = gates.validate("clean", _clean_frame([good, None, good]), run_id="t")
    assert not outcome.fatal
    assert list(outcome.bad_rows) == ["a1"]
    assert any("body_clean" in label for label in outcome.bad_rows["a1"])
    assert any(not r["success"] for r in outcome.dq_rows)


def test_a_broken_invariant_names_its_rows_suite_and_expectation(gates):
    frame = pd.DataFrame({"article_id": ["a1", "a2"], "body_norm": ["قمّة بوتين", "بكين"]})
    outcome = gates.validate("normalize", frame, run_id="t")
    # the rows are named, so the pipeline can tell a bug every article meets from one these inputs meet
    assert list(outcome.invariant_rows) == ["a1"] and not outcome.fatal
    raise_if_fatal([outcome])  # not fatal by itself
    with pytest.raises(GateFailed, match=r"suite 'normalize'.*expect_column_values_to_not_match_regex\(body_norm\)"):
        raise_if_fatal([outcome], invariants_too=True)
    # where no row may be blamed (a model), the same failure is fatal at once
    blamed = gates.validate("normalize", frame, run_id="t", blame_rows=False)
    assert not blamed.invariant_rows and any("body_norm" in m for m in blamed.fatal)


def test_many_bad_rows_are_quarantined_not_fatal(gates):
    # how much of a run may be refused is the run's business (pipeline_runs.quarantine_share)
    frame = _clean_frame([None] * 8 + ["جمعت قمة افتراضية الرئيس الروسي فلاديمير بوتين والزعيم الصيني."] * 4)
    outcome = gates.validate("clean", frame, run_id="t")
    assert len(outcome.bad_rows) == 8 and not outcome.fatal


def test_mentions_gate_checks_spans_and_order(gates):
    frame = pd.DataFrame({
        "mention_key": ["a:0:5", "a:9:7"], "article_id": ["a", "a"], "entity_id": ["per:x", "per:x"],
        "entity_type": ["PER", "PER"], "mention_kind": ["name", "name"], "char_start": [0, 9], "char_end": [5, 7],
        "surface": ["بوتين", "بوتين"], "span_matches": [True, False], "entity_known": [True, True]})
    outcome = gates.validate("entities", frame, run_id="t")
    text = " ".join(outcome.invariant_messages)
    assert "expect_column_pair_values_a_to_be_greater_than_b(char_end, char_start)" in text
    assert "span_matches" in text
    assert list(outcome.invariant_rows) == ["a:9:7"]


def test_cooccurrence_pairs_must_be_ordered(gates):
    frame = pd.DataFrame({"entity_a": ["loc:b", "loc:a"], "entity_b": ["loc:a", "loc:c"],
                          "pair_key": ["loc:b|loc:a", "loc:a|loc:c"], "article_count": [1, 2]})
    outcome = gates.validate("models_entity_cooccurrence", frame, run_id="t", blame_rows=False)
    assert any("entity_b, entity_a" in m for m in outcome.fatal)


def test_a_models_frame_needs_only_the_columns_its_suite_checks(gates):
    for suite in gates.suites_for("models"):
        columns = gates.columns_checked(suite)
        meta = gates.suite_dicts[suite]["meta"]
        assert columns[0] == meta["id_column"] and len(columns) == len(set(columns))
        named = {e["kwargs"].get(k) for e in gates.suite_dicts[suite]["expectations"]
                 for k in ("column", "column_A", "column_B")} - {None}
        assert named <= set(columns)
    # the cooccurrence suite reads its four columns and not the names and types beside them
    assert sorted(gates.columns_checked("models_entity_cooccurrence")) == [
        "article_count", "entity_a", "entity_b", "pair_key"]
