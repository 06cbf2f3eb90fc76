"""The audit log `<data_dir>/audit.log`: one JSON object per line — who, when, action, what.

Append-only: each entry is one `write` on a file opened with O_APPEND, so concurrent sessions never interleave
half lines and nothing is ever rewritten. Entries carry no personal data: SQL text is logged (scrubbed of phone
and ID numbers), export contents and passwords never are. An action that cannot be recorded is not performed:
`record` raises and the caller stops.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from jianfu import settings

ACTIONS = ("login", "login_failed", "logout", "export", "sql", "import", "undo")
_MAX_WHAT_CHARS = 4000


class AuditUnavailable(RuntimeError):
    pass


def audit_path() -> Path:
    return settings.data_dir() / "audit.log"


def record(action: str, who: str, what: str = "", **details) -> dict:
    """Append one entry; `details` are small JSON values (counts, ids, file names, a format)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "who": who,
        "action": action,
        "what": _scrub(what)[:_MAX_WHAT_CHARS],
        **details,
    }
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    try:
        fd = os.open(audit_path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError as exc:
        raise AuditUnavailable(
            f"the audit log cannot be written ({exc.strerror}); the action was not performed"
        ) from None
    return entry


def entries() -> list[dict]:
    """Every entry, oldest first (a torn last line from a crash is skipped)."""
    path = audit_path()
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def _scrub(text: str) -> str:
    if not text:
        return ""
    import pyarrow as pa

    from jianfu.ingest.personal import scrub_text

    return scrub_text(pa.array([text], pa.string()))[0].as_py()
