"""No silent zeros: a KPI whose input table is empty or whose input column holds no data says
"missing input: table.column"; an empty window on a table with data is n = 0, hidden, never 0."""

from datetime import date

from metrics_tables import memory_warehouse

from jianfu import warehouse
from jianfu.metrics import Filters, compute_kpis, load_catalogue

WINDOW = Filters(date(2025, 1, 1), date(2025, 1, 31))


def test_an_empty_warehouse_reports_every_input_missing_and_no_value():
    results = compute_kpis(warehouse.connect_memory(), WINDOW)
    cat = load_catalogue()
    assert list(results) == list(cat)
    for kpi_id, result in results.items():
        if cat[kpi_id].kind == "composite":
            assert result.value is None and "suppressed" in result.flags
            continue
        assert result.value is None, kpi_id
        assert "missing_input" in result.flags, kpi_id
        assert result.missing == [f"missing input: {spec}" for spec in cat[kpi_id].inputs], kpi_id
        assert result.score is None and result.previous is None


def test_a_column_without_data_is_missing_only_for_the_kpis_that_need_it():
    # cases with everything but visits: one_visit_rate needs visits; on_time_rate does not
    rows = [
        {
            "case_id": f"c{i}",
            "received_at": f"2025-01-{i + 2:02d} 09:00",
            "closed_at": f"2025-01-{i + 2:02d} 15:00",
            "due_at": f"2025-01-{i + 3:02d} 17:30",
            "status": "closed",
            "channel": "window",
            "immediate": False,
        }
        for i in range(12)
    ]
    con = memory_warehouse(cases=rows + [{"case_id": "late", "received_at": "2025-02-15 09:00", "status": "received"}])
    r = compute_kpis(con, WINDOW, ids=["one_visit_rate", "on_time_rate", "immediate_rate", "handoff_time"])
    assert r["one_visit_rate"].missing == ["missing input: cases.visits"]
    assert r["one_visit_rate"].value is None and "missing_input" in r["one_visit_rate"].flags
    assert r["handoff_time"].missing == ["missing input: cases.accepted_at", "missing input: cases.handed_off_at"]
    assert (r["on_time_rate"].value, r["on_time_rate"].missing) == (1.0, [])
    # immediate = False on every row is data (nothing settled on the spot), not a missing input
    assert (r["immediate_rate"].value, r["immediate_rate"].n) == (0.0, 12)


def test_an_empty_window_on_a_table_with_data_is_n_zero_and_hidden():
    con = memory_warehouse(
        cases=[
            {
                "case_id": "a",
                "received_at": "2024-06-01 09:00",
                "closed_at": "2024-06-02 09:00",
                "due_at": "2024-06-05 09:00",
                "status": "closed",
            },
            {"case_id": "b", "received_at": "2025-03-01 09:00", "status": "received"},
        ]
    )
    r = compute_kpis(con, WINDOW, ids=["case_volume", "on_time_rate", "cycle_time", "backlog"])
    for kpi_id in ("on_time_rate", "cycle_time"):
        assert r[kpi_id].value is None and r[kpi_id].n == 0, kpi_id
        assert {"suppressed", "not_rankable"} <= r[kpi_id].flags and "missing_input" not in r[kpi_id].flags
    # counts are answers, not samples: no case received and nothing open at the end of January read 0
    assert (r["case_volume"].value, r["backlog"].value) == (0, 0)
    assert "suppressed" not in r["case_volume"].flags | r["backlog"].flags
