"""减负, 微实事 and organisation KPIs on tiny tables with hand-computed values: ledgers in use against the
baseline date with the burden-hours change split by cause, repeated fields and records, visit coverage,
inspections, access requests, time use, micro-projects and partner activities."""

from datetime import date

import pytest
from metrics_tables import memory_warehouse

from jianfu.metrics import Filters, compute_kpis

JANUARY = Filters(date(2025, 1, 1), date(2025, 1, 31))
ANCHOR = {"case_id": "anchor", "received_at": "2025-02-15 09:00", "status": "received"}


@pytest.fixture(autouse=True)
def small_n(monkeypatch):
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "1")
    monkeypatch.setenv("JIANFU_RANK_BELOW_N", "1")


def ledger(
    ledger_id,
    valid_from,
    valid_to=None,
    status="active",
    freq=None,
    population=None,
    minutes=None,
    copies=None,
    fields=None,
):
    return {
        "ledger_id": ledger_id,
        "name": ledger_id,
        "status": status,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "frequency_per_year": freq,
        "population": population,
        "minutes_per_entry": minutes,
        "copies": copies,
        "fields": fields,
    }


@pytest.fixture
def ledgers_warehouse():
    """Baseline date 2024-12-31 (end of the catalogue's baseline period). Yearly hours at baseline:
    L1 12×10×5×2/60 = 20, L2 52×5×6/60 = 26, L3 4×30×10×3/60 = 60, L4 1×120×30/60 = 60; L7 has no minutes."""
    return memory_warehouse(
        ledgers=[
            ledger("L1", "2020-01-01", "2025-03-01", freq=12, population=10, minutes=5, copies=2, fields=["姓名"]),
            ledger("L1", "2025-03-01", freq=12, population=10, minutes=5, copies=1, fields=["姓名", "电话", "住址"]),
            ledger("L2", "2020-01-01", "2025-02-01", freq=52, population=5, minutes=6, copies=1, fields=["姓名"]),
            ledger("L2", "2025-02-01", status="abolished", freq=52, population=5, minutes=6),
            ledger("L3", "2019-06-01", "2025-04-01", freq=4, population=30, minutes=10, copies=3, fields=["住址"]),
            ledger("L3", "2025-04-01", status="merged", freq=4, population=30, minutes=10),
            ledger("L4", "2021-01-01", "2025-05-01", freq=1, population=120, minutes=30, copies=1, fields=["事项"]),
            ledger("L4", "2025-05-01", status="digitised", freq=1, population=120, minutes=15),
            ledger("L5", "2025-03-15", freq=12, population=5, minutes=10, copies=1, fields=["姓名", "事项"]),
            ledger("L6", "2020-01-01", "2024-06-01", freq=12, population=5, minutes=10),
            ledger("L6", "2024-06-01", status="abolished"),
            ledger("L7", "2018-01-01", freq=12, population=5, fields=[" 电话", "备注"]),
        ]
    )


def test_ledgers_in_use_and_burden_hours_against_the_baseline_date(ledgers_warehouse):
    june = Filters(date(2025, 6, 1), date(2025, 6, 30))
    r = compute_kpis(
        ledgers_warehouse, june, ids=["ledger_reduction", "burden_hours", "hours_saved", "duplicate_fields"]
    )
    reduction = r["ledger_reduction"]
    assert (reduction.numerator, reduction.denominator, reduction.value) == (3, 5, pytest.approx(0.4))
    assert reduction.detail == {"abolished": 1, "merged": 1, "digitised": 1}
    burden = r["burden_hours"]
    assert (burden.value, burden.n) == (pytest.approx(20.0), 2)  # L1 re-estimated to 10, L5 new 10
    assert burden.detail == pytest.approx(
        {
            "baseline_hours": 166.0,
            "programme_abolished": -26.0,
            "programme_merged": -60.0,
            "programme_digitised": -60.0,
            "programme_added": 10.0,
            "re_estimate": -10.0,
        }
    )
    assert r["hours_saved"].value == pytest.approx(146.0)
    assert r["hours_saved"].detail == pytest.approx(
        {"abolished": 26.0, "merged": 60.0, "digitised": 60.0, "added": -10.0, "re_estimate": 10.0}
    )
    # fields of L1, L5, L7 in use: 7 occurrences, 5 distinct (" 电话" is 电话)
    assert (r["duplicate_fields"].numerator, r["duplicate_fields"].denominator) == (2, 7)


def test_ledger_reduction_compares_month_ends(ledgers_warehouse):
    may = compute_kpis(ledgers_warehouse, Filters(date(2025, 5, 1), date(2025, 5, 31)), ids=["ledger_reduction"])
    assert may["ledger_reduction"].value == pytest.approx(0.4)  # 31 May: L1, L5, L7
    assert may["ledger_reduction"].previous == pytest.approx(0.2)  # 30 April: L4 not yet digitised


def entry(entry_id, ledger_id, subject, event, worker, at="2025-01-10 10:00"):
    return {
        "entry_id": entry_id,
        "ledger_id": ledger_id,
        "subject_key": subject,
        "event_key": event,
        "worker_id": worker,
        "recorded_at": at,
    }


@pytest.fixture
def records_warehouse():
    return memory_warehouse(
        cases=[ANCHOR],
        grids=[{"grid_id": "g1", "name": "一", "households": 10}, {"grid_id": "g2", "name": "二", "households": 5}],
        workers=[
            {"worker_id": "w1", "grid_id": "g1", "team": "governance"},
            {"worker_id": "w2", "grid_id": "g2", "team": "publicity"},
        ],
        record_entries=[
            entry("x1", "L1", "H1", "E1", "w1"),
            entry("x2", "L2", "H1", "E1", "w1"),  # one visit, two ledgers
            entry("x3", "L1", "H2", "E2", "w2"),
            entry("x4", "L1", "H2", "E2", "w2"),  # same ledger twice
            entry("x5", "L3", "H3", "E3", "w2"),
            entry("x6", "L1", "H4", None, "w1"),
            entry("x7", "L3", "H2", "E2", "w2", at="2025-02-05 10:00"),
        ],
    )


def test_duplicate_records_and_visit_coverage(records_warehouse):
    r = compute_kpis(records_warehouse, JANUARY, ids=["duplicate_records", "visit_coverage"])
    assert (r["duplicate_records"].numerator, r["duplicate_records"].denominator) == (2, 5)
    assert (r["visit_coverage"].numerator, r["visit_coverage"].denominator) == (4, 15)  # g1: H1, H4; g2: H2, H3
    g2 = compute_kpis(
        records_warehouse,
        Filters(date(2025, 1, 1), date(2025, 1, 31), grids=("g2",)),
        ids=["duplicate_records", "visit_coverage"],
    )
    assert (g2["duplicate_records"].numerator, g2["duplicate_records"].denominator) == (0, 3)
    assert (g2["visit_coverage"].numerator, g2["visit_coverage"].denominator) == (2, 5)


def test_inspections_access_and_time_use():
    con = memory_warehouse(
        cases=[ANCHOR],
        inspections=[
            {
                "inspection_id": "i1",
                "held_on": "2025-01-06",
                "kind": "check",
                "in_annual_plan": True,
                "photo_evidence_required": True,
                "staff_hours": 2,
            },
            {
                "inspection_id": "i2",
                "held_on": "2025-01-15",
                "kind": "check",
                "in_annual_plan": False,
                "photo_evidence_required": False,
                "staff_hours": 3,
            },
            {
                "inspection_id": "i3",
                "held_on": "2025-01-31",
                "kind": "appraisal",
                "photo_evidence_required": False,
                "staff_hours": 4,
            },
            {"inspection_id": "i4", "held_on": "2025-02-01", "kind": "check"},
        ],
        access_requests=[
            {
                "request_id": "q1",
                "dept": "民政",
                "task": "t",
                "received_at": "2025-01-03 10:00",
                "decision": "admitted",
                "funded": True,
            },
            {
                "request_id": "q2",
                "dept": "民政",
                "task": "t",
                "received_at": "2025-01-04 10:00",
                "decision": "admitted",
                "funded": False,
            },
            {
                "request_id": "q3",
                "dept": "城管",
                "task": "t",
                "received_at": "2025-01-05 10:00",
                "decision": "refused",
                "reason": "not_on_list",
            },
            {
                "request_id": "q4",
                "dept": "城管",
                "task": "t",
                "received_at": "2025-01-06 10:00",
                "decision": "refused",
                "reason": "dept_statutory_duty",
            },
            {"request_id": "q5", "dept": "城管", "task": "t", "received_at": "2025-01-07 10:00", "decision": "pending"},
        ],
        workers=[
            {"worker_id": "w1", "grid_id": "g1", "team": "governance"},
            {"worker_id": "w2", "grid_id": "g2", "team": "publicity"},
        ],
        time_use=[
            {"worker_id": "w1", "week": "2025-01-06", "hours_admin": 10, "hours_field": 30, "home_visits": 3},
            {"worker_id": "w1", "week": "2025-01-13", "hours_admin": 20, "hours_field": 20, "home_visits": 5},
            {"worker_id": "w2", "week": "2025-01-06", "hours_admin": 5, "hours_field": 15, "home_visits": 2},
            {"worker_id": "w2", "week": "2025-01-13", "hours_admin": 0, "hours_field": 0},
        ],
    )
    r = compute_kpis(con, JANUARY, ids=["inspections_rate", "access_refusals", "admin_time_share", "field_visits"])
    inspections = r["inspections_rate"]
    assert inspections.value == pytest.approx(3 / 31 * 365.25 / 4)
    assert inspections.detail == pytest.approx(
        {"unplanned_share": 0.5, "photo_evidence_share": 1 / 3, "staff_hours": 9.0}
    )
    access = r["access_refusals"]
    assert (access.numerator, access.denominator) == (2, 4)
    assert access.detail == pytest.approx(
        {"requests": 5, "pending": 1, "outside_list_share": 0.2, "admitted_funded_share": 0.5}
    )
    assert (r["admin_time_share"].numerator, r["admin_time_share"].denominator) == (35, 100)
    assert r["admin_time_share"].n == 3  # the empty week is left out
    visits = r["field_visits"]
    assert (visits.value, visits.n) == (pytest.approx(10 / 3), 3)
    team = compute_kpis(
        con, Filters(date(2025, 1, 1), date(2025, 1, 31), teams=("publicity",)), ids=["admin_time_share"]
    )
    assert team["admin_time_share"].value == pytest.approx(0.25)


def test_micro_projects_and_partner_activities():
    def project(pid, proposed, stage, **extra):
        return {"project_id": pid, "title": pid, "proposed_at": proposed, "stage": stage, **extra}

    con = memory_warehouse(
        cases=[ANCHOR],
        micro_projects=[
            project(
                "p1",
                "2025-01-05 10:00",
                "done",
                sorted_at="2025-01-06 10:00",
                reviewed_at="2025-01-10 10:00",
                voted_at="2025-01-20 10:00",
                started_at="2025-01-22 10:00",
                completed_at="2025-01-28 10:00",
                due_at="2025-01-30 18:00",
                votes_for=30,
                votes_against=10,
                eligible_voters=100,
                acceptance_rating=5,
            ),
            project("p2", "2025-01-08 10:00", "rejected", sorted_at="2025-01-09 10:00"),
            project("p3", "2025-01-12 10:00", "voting", due_at="2025-01-25 18:00"),
            project(
                "p4",
                "2024-12-01 10:00",
                "in_progress",
                voted_at="2025-01-15 10:00",
                votes_for=20,
                votes_against=0,
                eligible_voters=50,
                due_at="2025-02-20 18:00",
            ),
            project(
                "p5",
                "2024-11-01 10:00",
                "done",
                completed_at="2025-01-10 10:00",
                due_at="2025-01-05 18:00",
                acceptance_rating=3,
            ),
        ],
        partner_activities=[
            {
                "activity_id": "a1",
                "held_on": "2025-01-04",
                "alliance": "party_building",
                "volunteer_hours": 10,
                "cost_yuan": 0,
            },
            {
                "activity_id": "a2",
                "held_on": "2025-01-11",
                "alliance": "property",
                "volunteer_hours": 5,
                "cost_yuan": 1000,
            },
            {"activity_id": "a3", "held_on": "2025-01-18", "alliance": "social_innovation", "cost_yuan": 500},
        ],
    )
    r = compute_kpis(
        con,
        JANUARY,
        ids=[
            "proposal_funnel",
            "vote_turnout",
            "project_on_time",
            "project_acceptance",
            "proposal_lead_time",
            "partner_hours",
        ],
    )
    funnel = r["proposal_funnel"]
    assert (funnel.numerator, funnel.denominator) == (1, 3)
    assert funnel.detail == {"sorted": 3, "council_review": 2, "voted": 2, "started": 1, "done": 1, "rejected": 1}
    assert (r["vote_turnout"].numerator, r["vote_turnout"].denominator, r["vote_turnout"].n) == (60, 150, 2)
    assert (r["project_on_time"].numerator, r["project_on_time"].denominator) == (1, 3)  # p1 yes; p3, p5 late
    assert (r["project_acceptance"].numerator, r["project_acceptance"].denominator) == (1, 2)
    assert r["proposal_lead_time"].value == pytest.approx(30.0)  # median of 15 and 45 days
    partners = r["partner_hours"]
    assert (partners.value, partners.n) == (15, 2)
    assert partners.detail == {
        "cost_yuan": 1500,
        "party_building_hours": 10,
        "property_hours": 5,
        "social_innovation_hours": None,
    }
