"""Data-quality checks: the queries `queries/dq_*.sql`, each of which should return no rows.

A check is its file: adding a `dq_<name>.sql` adds a check (its title and explanation live in the string
catalogue as `data.dq.<name>`). Each result keeps the number of offending rows and a sample to show, so a
page can say "3 cases closed before they were received" and list them with their source file.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from jianfu.settings import ROOT

QUERIES = ROOT / "queries"
PREFIX = "dq_"


@dataclass(frozen=True)
class CheckResult:
    check: str  # the file name without `dq_` and `.sql`
    rows: int  # offending rows; 0 means the check passed
    sample: pd.DataFrame
    error: str | None = None  # the query itself failed (shown, never raised)

    @property
    def passed(self) -> bool:
        return self.error is None and self.rows == 0


def checks() -> list[str]:
    """Every check, in file-name order."""
    return [path.stem[len(PREFIX) :] for path in sorted(QUERIES.glob(f"{PREFIX}*.sql"))]


def check_sql(check: str) -> str:
    return (QUERIES / f"{PREFIX}{check}.sql").read_text(encoding="utf-8")


def run_check(con: duckdb.DuckDBPyConnection, check: str, sample_rows: int = 100) -> CheckResult:
    cursor = con.cursor()
    try:
        relation = cursor.sql(check_sql(check))
        rows = relation.aggregate("count(*)").fetchall()[0][0]
        sample = relation.limit(sample_rows).to_arrow_table().to_pandas()
    except duckdb.Error as exc:
        return CheckResult(check, 0, pd.DataFrame(), str(exc).split("\n")[0])
    return CheckResult(check, int(rows), sample)


def run_checks(con: duckdb.DuckDBPyConnection, sample_rows: int = 100) -> list[CheckResult]:
    return [run_check(con, check, sample_rows) for check in checks()]


def summary(results: list[CheckResult]) -> pd.DataFrame:
    """One row per check: name, offending rows, passed."""
    return pd.DataFrame(
        [{"check": r.check, "rows": r.rows, "passed": r.passed, "error": r.error or ""} for r in results]
    )
