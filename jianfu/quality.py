"""Data-quality checks: the queries `queries/dq_*.sql`, each of which should return no rows.

A check is its file: adding a `dq_<name>.sql` adds a check (its title and explanation live in the string
catalogue as `data.dq.<name>`). Each result keeps the number of offending rows and a sample to show, so a
page can say "3 cases closed before they were received" and list them with their source file.

The checks run once per warehouse version, inside the write that makes it (`store`), and the data page reads
the stored results (`stored`): at 10M cases running them on each visit took about 10 s. A version written before
this existed has no stored results; the page then runs them itself.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import duckdb
import pandas as pd

from jianfu.settings import ROOT

QUERIES = ROOT / "queries"
PREFIX = "dq_"
SAMPLE_ROWS = 100
RESULTS_TABLE = "quality_results"
RESULTS_TABLE_SQL = f"""create table if not exists {RESULTS_TABLE} (
    check_name varchar primary key, offending_rows bigint not null, error varchar, sample_json varchar)"""


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


def run_check(con: duckdb.DuckDBPyConnection, check: str, sample_rows: int = SAMPLE_ROWS) -> CheckResult:
    return _run(con.cursor(), check, sample_rows)  # a cursor per query: the read connection is shared by threads


def _run(con: duckdb.DuckDBPyConnection, check: str, sample_rows: int) -> CheckResult:
    try:
        # one pass: the offending rows' count rides along with the sample
        counted = con.sql(check_sql(check)).select("*, count(*) over () as offending_rows__").limit(sample_rows)
        sample = counted.to_arrow_table().to_pandas()
    except duckdb.Error as exc:
        return CheckResult(check, 0, pd.DataFrame(), str(exc).split("\n")[0])
    rows = int(sample.pop("offending_rows__").iloc[0]) if len(sample) else 0
    return CheckResult(check, rows, sample)


def run_checks(con: duckdb.DuckDBPyConnection, sample_rows: int = SAMPLE_ROWS) -> list[CheckResult]:
    return [run_check(con, check, sample_rows) for check in checks()]


def store(con: duckdb.DuckDBPyConnection) -> None:
    """Run every check on the version being written (`con`, outside a transaction: a failing check stays a failed
    result) and keep the results in it, all in one transaction."""
    # on `con` itself, not a cursor: a cursor of an unfinished version would be a second connection to it
    results = [_run(con, check, SAMPLE_ROWS) for check in checks()]
    con.execute("begin transaction")
    con.execute(RESULTS_TABLE_SQL)
    con.execute(f"delete from {RESULTS_TABLE}")
    for result in results:
        # orient="table" keeps the column types (timestamps stay timestamps) for `stored`
        sample = result.sample.to_json(orient="table", index=False, date_format="iso") if result.error is None else None
        con.execute(
            f"insert into {RESULTS_TABLE} values ($check, $rows, $error, $sample)",
            {"check": result.check, "rows": result.rows, "error": result.error, "sample": sample},
        )
    con.execute("commit")


def stored(con: duckdb.DuckDBPyConnection) -> list[CheckResult] | None:
    """The results kept with this version, in check order; None when the version has none (written before checks
    were stored, or by a build that knew other checks): the caller runs them instead."""
    cursor = con.cursor()
    try:
        rows = cursor.execute(f"select check_name, offending_rows, error, sample_json from {RESULTS_TABLE}").fetchall()
    except duckdb.CatalogException:
        return None
    by_name = {name: CheckResult(name, int(count), _sample(sample), error) for name, count, error, sample in rows}
    if sorted(by_name) != sorted(checks()):
        return None
    return [by_name[check] for check in checks()]


def _sample(sample_json: str | None) -> pd.DataFrame:
    return pd.read_json(io.StringIO(sample_json), orient="table") if sample_json else pd.DataFrame()


def summary(results: list[CheckResult]) -> pd.DataFrame:
    """One row per check: name, offending rows, passed."""
    return pd.DataFrame(
        [{"check": r.check, "rows": r.rows, "passed": r.passed, "error": r.error or ""} for r in results]
    )
