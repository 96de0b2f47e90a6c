"""The cleaner's contract, checked the same way by the unit tests and the property tests."""
from collections import defaultdict


def _squash(text: str) -> str:
    return "".join(text.split())


def assert_every_line_accounted_for(text: str, result) -> None:
    """Each non-blank input line is removed whole, kept whole, or kept as one contiguous piece whose
    cut-off pieces are in `removed` (same line number); nothing is lost that the cleaner did not log.
    Kept pieces keep their original characters (only stripped)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonblank = [(no, line.strip()) for no, line in enumerate(lines, 1) if line.strip()]
    pieces = defaultdict(list)
    for r in result.removed:
        assert r.text and r.text == r.text.strip(), r
        pieces[r.line_no].append(r.text)
    kept = [k for k in result.body_clean.split("\n")] if result.body_clean else []
    kept_iter = iter(kept)
    for no, line in nonblank:
        removed = pieces.pop(no, [])
        if removed == [line]:
            continue  # removed whole
        piece = next(kept_iter, None)
        assert piece is not None and piece in line, (no, line, piece)
        start = line.index(piece)
        before, after = line[:start], line[start + len(piece):]
        assert _squash(before + after) == _squash("".join(removed)), (no, line, piece, removed)
    assert next(kept_iter, None) is None, "more kept lines than input lines"
    assert not pieces, f"removed rows for lines that do not exist: {dict(pieces)}"
