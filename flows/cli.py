"""`akhbar run | sql | extract`: thin layer over the pipeline and the pure modules."""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
from pathlib import Path

from flows import config


def _prefect_environment() -> None:
    """Quiet, offline-friendly Prefect defaults, set before prefect is imported.

    With `make ui` up, runs report to it. Otherwise this process starts its own
    temporary server (state in the project's .prefect/), tied to this process
    so that it dies with it even on SIGKILL (Prefect's own temporary server
    outlives a killed parent).
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    if "PREFECT_API_URL" not in os.environ:
        from flows import ui

        url = ui.running_api_url()
        if url:  # `make ui` is up: runs show in it
            os.environ["PREFECT_API_URL"] = url
            return
        os.environ.setdefault("PREFECT_HOME", str(config.REPO_ROOT / ".prefect"))
        os.environ["PREFECT_API_URL"] = ui.start_temporary_server()


EXIT_FAILED, EXIT_ALERT = 1, 3


def cmd_run(args: argparse.Namespace) -> int:
    from flows.source_config import SourceConfigError, parse_field_options

    try:
        fields = parse_field_options(args.field)
    except SourceConfigError as err:
        print(f"akhbar run: {err}", file=sys.stderr)
        return 2
    _prefect_environment()
    from flows.pipeline import akhbar_pipeline

    state = akhbar_pipeline(input_dir=args.input, warehouse_path=args.warehouse, batch_size=args.batch_size,
                            max_bytes=args.max_bytes, max_file_bytes=args.max_file_bytes, fields=fields or None,
                            retry_quarantined=args.retry_quarantined, accept_deletions=args.accept_deletions,
                            max_quarantine_share=args.max_quarantine_share, return_state=True)
    summary = state.result(raise_on_failure=False)
    if not isinstance(summary, dict):  # the run failed: nothing committed
        print(f"akhbar run failed: {state.message}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    warehouse = args.warehouse or config.default_warehouse()
    if summary.get("quarantined_by_reason"):
        print("\nquarantined this run, by reason:", file=sys.stderr)
        for reason, n in summary["quarantined_by_reason"].items():
            print(f"  {n:7,}  {reason}", file=sys.stderr)
    if state.is_failed():
        print(f"\nakhbar run: committed, but needs attention: {'; '.join(summary.get('alerts') or [])}",
              file=sys.stderr)
        return EXIT_ALERT
    print(f"\nwarehouse: {warehouse}\ntry: .venv/bin/akhbar sql \"SELECT canonical_name, entity_type, article_count, "
          f"mention_count FROM entity_summary LIMIT 10\"" + (f" --warehouse {warehouse}" if args.warehouse else ""))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.source_config import SourceConfigError, parse_field_options

    try:
        fields = parse_field_options(args.field)
    except SourceConfigError as err:
        print(f"akhbar serve: {err}", file=sys.stderr)
        return 2
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if "PREFECT_API_URL" not in os.environ:
        from flows import ui

        if ui.running_api_url():
            os.environ["PREFECT_API_URL"] = ui.running_api_url()
    if "PREFECT_API_URL" not in os.environ:
        print("akhbar serve needs a running Prefect server: start one with `make ui` "
              "(or set PREFECT_API_URL)", file=sys.stderr)
        return 2
    from flows.pipeline import build_deployment, serve_deployment

    try:
        deployment = build_deployment(args.cron, args.interval, args.input, args.warehouse, args.name,
                                      fields=fields or None, max_bytes=args.max_bytes,
                                      max_file_bytes=args.max_file_bytes)
    except ValueError as err:
        print(f"akhbar serve: {err}", file=sys.stderr)
        return 2
    print(f"serving akhbar-pipeline/{args.name} ({args.cron or f'every {args.interval:g}s'}) "
          f"on {os.environ['PREFECT_API_URL']}; Ctrl-C or SIGTERM stops it")
    serve_deployment(deployment)
    return 0


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (ESC sequences a scraped title may carry,
    C1 codes, NUL) are shown as \\xNN escapes, never sent raw; line breaks and tabs become spaces."""
    text = text.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def render_table(columns: list[str], rows: list[tuple], max_width: int = 60) -> str:
    """A plain text table; long cells are cut so one row stays one line."""
    def cell(v) -> str:
        text = "NULL" if v is None else printable(str(v))
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    columns = [printable(c) for c in columns]

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "-+-".join("-" * w for w in widths)
    out = [" | ".join(c.ljust(w) for c, w in zip(columns, widths)), line]
    out += [" | ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


# `akhbar sql` is read-only for real: the database is opened read-only, with no access to files or the
# network outside it (no COPY TO, read_text, ATTACH, EXPORT, INSTALL/LOAD), no extension autoloading, and
# the configuration locked so no SET can undo any of it; and a query is one SELECT (or EXPLAIN).
READ_ONLY_CONFIG = {"enable_external_access": False, "autoload_known_extensions": False,
                    "autoinstall_known_extensions": False, "allow_community_extensions": False,
                    "lock_configuration": True}


def open_read_only(path: str | Path):
    import duckdb

    return duckdb.connect(str(path), read_only=True, config=READ_ONLY_CONFIG)


def check_query(con, query: str) -> str | None:
    """Why `query` is refused, or None: exactly one statement, a SELECT or an EXPLAIN."""
    import duckdb

    try:
        statements = con.extract_statements(query)
    except duckdb.Error as err:
        return f"SQL error: {err}"
    if len(statements) != 1:
        return f"one statement at a time, please ({len(statements)} given)"
    kind = statements[0].type
    if kind not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
        return f"akhbar sql only reads: {kind.name} statements are refused (use SELECT)"
    return None


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    path = Path(args.warehouse or config.default_warehouse())
    if not path.exists():
        print(f"no warehouse at {path}: run `akhbar run` (or `make run`) first", file=sys.stderr)
        return 2
    try:
        con = open_read_only(path)
    except duckdb.Error as err:
        print(f"cannot open {path} for reading: {err}", file=sys.stderr)
        return 2
    try:
        refused = check_query(con, args.query)
        if refused:
            print(refused, file=sys.stderr)
            return 1
        cur = con.execute(args.query)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchmany(args.limit) if columns else []
    except duckdb.Error as err:
        print(f"SQL error: {printable(str(err))}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if columns:
        print(render_table(columns, rows, args.max_width))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from flows import ner
    from flows.ingest import DecodeError, decode_bytes

    stdin_bytes = getattr(sys.stdin, "buffer", None)
    try:
        if args.file and args.file != "-":
            text, _ = decode_bytes(Path(args.file).read_bytes())
        elif stdin_bytes is not None:  # bytes, decoded like any input file (a legacy code page, a BOM)
            text, _ = decode_bytes(stdin_bytes.read())
        else:
            text = sys.stdin.read()
    except (OSError, DecodeError) as err:
        print(f"cannot read {args.file or 'standard input'}: {err}", file=sys.stderr)
        return 2
    extract = ner.extract_mentions if args.gazetteer_only else ner.extract_precise
    for m in extract(text):
        if m.mention_kind != "name" and not args.with_nisba:
            continue
        record = {"start": m.start, "end": m.end, "surface": m.surface, "type": m.entity_type,
                  "entity_id": m.entity_id, "canonical": m.canonical}
        if args.with_nisba:
            record["kind"] = m.mention_kind
        print(json.dumps(record, ensure_ascii=False))
    return 0


def _input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-bytes", type=int, default=5 * 1024 * 1024,
                        help="largest article, and largest one-article file (.txt, .html) (default 5 MB)")
    parser.add_argument("--max-file-bytes", type=int, default=256 * 1024 * 1024,
                        help="largest file or archive member holding several records (default 256 MB)")
    parser.add_argument("--field", action="append", metavar="KEY=NAME",
                        help="where JSON records keep a field: --field body=full_text --field published_at="
                             "published_time (keys: body, title, url, published_at, crawled_at, author, "
                             "source_name, category); also per source in a .akhbar.toml")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description="Arabic news articles -> DuckDB warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the pipeline once over a folder or a file")
    run.add_argument("--input", default=None,
                     help=f"folder of articles, or one file (default {config.default_input()})")
    run.add_argument("--warehouse", default=None, help=f"DuckDB file (default {config.default_warehouse()})")
    run.add_argument("--batch-size", type=int, default=1000, help="articles per task (default 1000)")
    _input_options(run)
    run.add_argument("--retry-quarantined", action="store_true",
                     help="read again every file refused before, even if nothing about it changed")
    run.add_argument("--accept-deletions", action="store_true",
                     help="apply deletions even when more than half of the known files are missing at once")
    run.add_argument("--max-quarantine-share", type=float, default=0.5,
                     help="a run refusing more than this share of its items ends 'needs attention' (default 0.5)")
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="run the pipeline on a schedule (needs `make ui` or PREFECT_API_URL)")
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron expression, e.g. "*/15 * * * *" for every 15 minutes')
    when.add_argument("--interval", type=float, help="seconds between runs")
    serve.add_argument("--input", default=None)
    serve.add_argument("--warehouse", default=None)
    serve.add_argument("--name", default="scheduled", help="deployment name (default: scheduled)")
    _input_options(serve)
    serve.set_defaults(func=cmd_serve)

    sql = sub.add_parser("sql", help="run a query on the warehouse (read-only) and print a table")
    sql.add_argument("query")
    sql.add_argument("--warehouse", default=None)
    sql.add_argument("--limit", type=int, default=200, help="rows to print at most (default 200)")
    sql.add_argument("--max-width", type=int, default=60, help="cut cells longer than this")
    sql.set_defaults(func=cmd_sql)

    ext = sub.add_parser("extract", help="print the entity mentions of a text as JSON lines")
    ext.add_argument("file", nargs="?", help="text file (default: standard input)")
    ext.add_argument("--with-nisba", action="store_true", help="also print nisba adjectives (kind=nisba)")
    ext.add_argument("--gazetteer-only", action="store_true",
                     help="only names the gazetteer knows (default: also unlisted names the precise rules accept)")
    ext.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("sql", "extract") and argv is None:
        # Like any Unix filter: `akhbar sql ... | head` ends quietly when head has read enough.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
