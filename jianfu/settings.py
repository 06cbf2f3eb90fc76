"""Every knob in one declarative list (name, default, help). Each is read from the environment as
JIANFU_<NAME upper-cased>; README.md documents them all (a test fails when one is missing there)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str

    @property
    def env(self) -> str:
        return "JIANFU_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", str(ROOT / "data"), "Folder for the warehouse versions, secrets and logs (git-ignored)."),
    Setting("sample_dir", str(ROOT / "sample_data"), "Exports loaded automatically when no warehouse exists."),
    Setting("timezone", "Asia/Shanghai", "Business timezone: timestamps are local time in this zone."),
    Setting("suppress_below_n", 10, "A KPI with fewer observations is hidden (shown as n<10)."),
    Setting("rank_below_n", 30, "A KPI with fewer observations is shown but neither coloured nor ranked."),
    Setting(
        "league_weights",
        "30/35/35",
        "Weights of 响应率/解决率/满意率 in the ranking page's composite (the monthly 接诉即办 street ranking).",
    ),
    Setting("league_list_size", 3, "How many units the ranking's 红榜 and 黑榜 (top and bottom lists) name."),
    Setting("score_cap", 1.25, "Upper cap of a CityScore-style KPI score."),
    Setting(
        "query_memory_limit",
        "768MB",
        "DuckDB memory for the dashboard's queries; larger ones spill to disk "
        "(data_dir/spill), so one process stays within about 1.5 GB even at 10M cases.",
    ),
    Setting("keep_versions", 5, "How many older warehouse versions are kept for recovery."),
    Setting("sql_time_limit_ms", 5000, "Time limit of one query in the analyst SQL console."),
    Setting("sql_max_rows", 10000, "Row cap of the SQL console and drill-down (a notice says when it cut)."),
    Setting(
        "sql_max_result_mb",
        64,
        "Byte cap of one SQL console result, measured as it streams: a larger result is "
        "refused with a notice (rows can be huge: lists, long text).",
    ),
    Setting(
        "sql_memory_mb",
        3072,
        "Address-space limit of the child process that runs one SQL console query; a "
        "query needing more stops with a notice and the server is untouched.",
    ),
    Setting("max_upload_mb", 200, "Largest export accepted by the browser upload."),
    Setting("session_minutes", 480, "A login expires after this many minutes."),
    Setting("lang", "zh", "Default UI language (zh or en)."),
    Setting(
        "spark_master",
        "local[2]",
        "Where `jianfu kpis --engine spark` runs: local[N], a cluster master URL "
        "(spark://…, yarn, k8s://…) or a Spark Connect URL (sc://host:15002).",
    ),
)


def get(name: str):
    for s in SETTINGS:
        if s.name == name:
            raw = os.environ.get(s.env)
            if raw is None:
                return s.default
            return type(s.default)(raw) if not isinstance(s.default, str) else raw
    raise KeyError(f"unknown setting {name!r}")


def data_dir() -> Path:
    """The data folder, readable by its owner only, as PostgreSQL insists on for its data directory. The umask
    makes everything this process creates from here on owner-only too, including the files DuckDB writes itself
    (versions, WAL, spill) and uploads saved for import."""
    os.umask(0o077)
    return private_dir(Path(get("data_dir")))


def private_dir(path: Path) -> Path:
    """`path` created if missing and made 0700 (also when an older release created it 0755)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():  # a folder someone else owns is theirs to set
        path.chmod(0o700)
    return path
