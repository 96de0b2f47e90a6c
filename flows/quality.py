"""Great Expectations gates: suites from expectations/*.json, validated on DataFrames.

Every expectation in a suite says in its `meta.on_failure` what a failure means:

- "quarantine": the failing rows are bad input. They leave the run and land
  in `quarantine` with the stage and the expectation; the rest goes on
  (how much of a run may be quarantined before it is flagged is the run's
  business, not a batch's).
- "fail": an invariant of the pipeline is broken. When the failing rows are
  known (`invariant_rows`), the pipeline decides whether the code is broken
  (a known-good article fails too: the run stops, naming the inputs) or
  only these inputs meet a bug (they are quarantined and the run is
  flagged); failures no row can be blamed for (a table-level expectation, a
  model) are `fatal` and stop the run with a message naming the suite and
  the expectation.

An expectation that errors (GX could not compute it) also fails the run:
a gate that cannot check is not a gate.

GX takes seconds to import, so it is imported when the first gate is built.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ON_FAILURE_ACTIONS = ("quarantine", "fail")


class GateFailed(RuntimeError):
    """A batch-level expectation failed: the run must stop."""


@dataclass
class GateOutcome:
    stage: str
    suite: str
    success: bool
    bad_rows: dict[str, list[str]] = field(default_factory=dict)  # row id -> failed expectations (quarantine ones)
    invariant_rows: dict[str, list[str]] = field(default_factory=dict)  # row id -> failed "fail" expectations
    invariant_messages: list[str] = field(default_factory=list)  # what those failures were, for a person
    fatal: list[str] = field(default_factory=list)  # messages for failures that stop the run
    dq_rows: list[dict] = field(default_factory=list)
    evaluated: int = 0
    failed: int = 0


def _py(value):
    """numpy scalars and NaN to plain JSON-safe Python."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def describe_expectation(exp_type: str, kwargs: dict) -> str:
    """A short human label: `expect_column_values_to_not_be_null(body_clean)`."""
    args = [str(kwargs[k]) for k in ("column", "column_A", "column_B") if k in kwargs]
    if "column_list" in kwargs:
        args.append(",".join(kwargs["column_list"]))
    return f"{exp_type}({', '.join(args)})"


def load_suite_dicts(folder: str | Path) -> dict[str, dict]:
    """Suite name -> suite dict, checked for the meta this module relies on."""
    suites = {}
    for path in sorted(Path(folder).glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        meta = suite.get("meta", {})
        for key in ("stage", "id_column"):
            if key not in meta:
                raise ValueError(f"{path.name}: suite meta lacks '{key}'")
        for e in suite["expectations"]:
            action = e.get("meta", {}).get("on_failure")
            if action not in ON_FAILURE_ACTIONS:
                raise ValueError(f"{path.name}: {e['type']} has meta.on_failure={action!r}, "
                                 f"expected one of {ON_FAILURE_ACTIONS}")
        suites[suite["name"]] = suite
    return suites


class QualityGates:
    """One ephemeral GX context for a run: suites loaded once, results kept for Data Docs."""

    def __init__(self, suites_dir: str | Path, docs_dir: str | Path | None = None):
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        for name in ("great_expectations", "great_expectations.data_context.types.base"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self.suite_dicts = load_suite_dicts(suites_dir)
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self.docs_dir = Path(docs_dir) if docs_dir else None
        if self.docs_dir:
            self.context.add_data_docs_site(site_name="local", site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                  "base_directory": str(self.docs_dir.resolve())},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            })
        asset = self.context.data_sources.add_pandas("pandas").add_dataframe_asset("frames")
        self._batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        self._definitions = {}
        for name, suite in self.suite_dicts.items():
            gx_suite = self.context.suites.add(gx.ExpectationSuite(**suite))
            self._definitions[name] = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=f"{name}_gate", data=self._batch_definition, suite=gx_suite))

    def suites_for(self, stage: str) -> list[str]:
        return [n for n, s in self.suite_dicts.items() if s["meta"]["stage"] == stage]

    def columns_checked(self, suite_name: str) -> list[str]:
        """The columns a suite's expectations read, and its id column: all a frame for it needs."""
        suite = self.suite_dicts[suite_name]
        columns = [suite["meta"]["id_column"]]
        for e in suite["expectations"]:
            kwargs = e.get("kwargs", {})
            named = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
            for c in [*named, *kwargs.get("column_list", [])]:
                if c not in columns:
                    columns.append(c)
        return columns

    def validate(self, suite_name: str, frame: pd.DataFrame, run_id: str, batch_no: int = 0,
                 blame_rows: bool = True) -> GateOutcome:
        """Validate `frame`; with `blame_rows`, failed "fail" expectations that name their rows go to
        `invariant_rows` for the caller to judge, else to `fatal`."""
        suite = self.suite_dicts[suite_name]
        meta = suite["meta"]
        stage, id_col = meta["stage"], meta["id_column"]
        outcome = GateOutcome(stage=stage, suite=suite_name, success=True)
        if frame.empty:
            return outcome
        result = self._definitions[suite_name].run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [id_col],
                           "partial_unexpected_count": 5},
        )
        n_rows = len(frame)
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        for r in result.results:
            cfg = r.expectation_config
            rr = r.result or {}
            exc = r.exception_info or {}
            if "raised_exception" not in exc:  # metric-keyed shape
                exc = next((v for v in exc.values() if isinstance(v, dict) and v.get("raised_exception")), {})
            error = exc.get("exception_message") if exc.get("raised_exception") else None
            action = (cfg.meta or {}).get("on_failure", "fail")
            label = describe_expectation(cfg.type, cfg.kwargs)
            unexpected = _py(rr.get("unexpected_count")) or 0
            outcome.evaluated += 1
            outcome.dq_rows.append({
                "run_id": run_id, "stage": stage, "suite": suite_name, "batch_no": batch_no, "validated_at": now,
                "expectation": cfg.type, "column_name": cfg.kwargs.get("column") or cfg.kwargs.get("column_A"),
                "kwargs": _json({k: v for k, v in cfg.kwargs.items() if k not in ("column", "batch_id")}),
                "action": action, "success": bool(r.success), "element_count": _py(rr.get("element_count")),
                "unexpected_count": unexpected, "unexpected_percent": _py(rr.get("unexpected_percent")),
                "observed_value": _json(_py(rr.get("observed_value"))),
                "sample_values": _json([_py(v) for v in (rr.get("partial_unexpected_list") or [])[:5]]),
                "error": error,
            })
            if r.success:
                continue
            outcome.failed += 1
            outcome.success = False
            where = f"suite '{suite_name}' (stage {stage}), expectation {label}"
            ids = [str(_py(d.get(id_col))) for d in rr.get("unexpected_index_list") or []]
            if error:
                outcome.fatal.append(f"{where} could not be evaluated: {error}")
            elif action == "fail":
                sample = [_py(v) for v in (rr.get("partial_unexpected_list") or [])[:3]]
                observed = rr.get("observed_value")
                shown = f"; sample {sample}" if sample else (f"; observed {_py(observed)}" if observed is not None else "")
                message = f"{where} failed on {unexpected} of {n_rows} rows{shown}"
                if blame_rows and ids:
                    outcome.invariant_messages.append(message)
                    for row_id in ids:
                        outcome.invariant_rows.setdefault(row_id, []).append(label)
                else:
                    outcome.fatal.append(message)
            else:
                for row_id in ids:
                    outcome.bad_rows.setdefault(row_id, []).append(label)
        return outcome

    def build_docs(self) -> str | None:
        if not self.docs_dir:
            return None
        urls = self.context.build_data_docs(site_names=["local"])
        return urls.get("local")


def raise_if_fatal(outcomes: list[GateOutcome], invariants_too: bool = False) -> None:
    messages = [m for o in outcomes for m in o.fatal + (o.invariant_messages if invariants_too else [])]
    if messages:
        raise GateFailed("Data-quality gate failed: " + " | ".join(messages))
