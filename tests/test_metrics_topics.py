"""Hot topics and repeat requests on a small fixture whose counts are known by construction: every text names
one or two dictionary terms and otherwise only stop words, so the documents per term are the fixture's own
counts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from metrics_tables import memory_warehouse

from jianfu.metrics import topics
from jianfu.metrics.sql import run_query

JULY = date(2026, 7, 1)
BASELINE = [date(2026, m, 1) for m in range(1, 7)]
NOISE, LEAK, PARKING, LIFT = (
    "噪音扰民，请尽快处理。",
    "漏水，请尽快处理。",
    "停车难，希望相关部门核实处理。",
    "电梯故障，请尽快处理。",
)
# a leak reported by a named caller with a room number and a phone: the excerpt must hide all three
LEAK_NAMED = "王丽华反映302室漏水，电话139****1234。"


def _requests() -> pd.DataFrame:
    rows = []
    for month in BASELINE:  # 20 requests a month: 10 noise, 8 parking, 2 leaks
        rows += [(month, "环境保护", NOISE)] * 10 + [(month, "交通出行", PARKING)] * 8 + [(month, "住房物业", LEAK)] * 2
    # July: 23 requests: leaks jump to 12 (share 12/23 against 0.1), noise 8, and 3 lift faults (new, but < 10)
    rows += [(JULY, "环境保护", NOISE)] * 8 + [(JULY, "住房物业", LEAK)] * 11 + [(JULY, "住房物业", LEAK_NAMED)]
    rows += [(JULY, "住房物业", LIFT)] * 3
    return pd.DataFrame(rows, columns=["month", "matter", "request_text"])


@pytest.fixture(scope="module")
def monthly() -> pd.DataFrame:
    return topics.monthly_terms(_requests())


def test_terms_keep_topic_phrases_and_drop_stop_words_single_characters_and_names():
    assert topics.terms(NOISE) == {"噪音扰民"}
    # 楼上 is a stop word (a place in the building, no topic)
    assert topics.terms("*先生反映：楼上装修噪音扰民，已多次反映仍未解决。") == {"装修", "噪音扰民"}
    # 王丽华 is no dictionary word: it falls apart into characters; 302 and the masked phone are no terms
    assert topics.terms(LEAK_NAMED) == {"漏水"}


def test_top_topics_of_the_month_by_documents(monthly):
    july = topics.top_topics(monthly, JULY)
    assert list(zip(july["term"], july["docs"])) == [("漏水", 12), ("噪音扰民", 8), ("电梯故障", 3)]
    assert july["month_docs"].tolist() == [23, 23, 23]
    assert july.loc[0, "matter"] == "住房物业" and july.loc[0, "share"] == pytest.approx(12 / 23)
    january = topics.top_topics(monthly, BASELINE[0], limit=2)
    assert list(zip(january["term"], january["docs"])) == [("噪音扰民", 10), ("停车难", 8)]


def test_a_term_counts_once_per_request():
    twice = pd.DataFrame([(JULY, "住房物业", "漏水漏水，又漏水了。")], columns=["month", "matter", "request_text"])
    assert topics.monthly_terms(twice)[["term", "docs"]].values.tolist() == [["漏水", 1]]


def test_rising_topic_against_the_six_months_before(monthly):
    rising = topics.rising_topics(monthly, JULY)
    # only the leaks: 12/23 = 0.522 vs a mean share of 2/20 = 0.1 (ratio 5.2); noise fell (8/23 vs 0.5); the
    # lift faults are new but only 3 requests (< 10)
    assert rising["term"].tolist() == ["漏水"]
    row = rising.iloc[0]
    assert (row["docs"], row["baseline_share"]) == (12, pytest.approx(0.1))
    assert row["ratio"] == pytest.approx((12 / 23) / 0.1)
    assert row["p_value"] < 1e-5
    # with the minimum lowered to 3 the new lift faults rise too (baseline floor: half a request of 120)
    lowered = topics.rising_topics(monthly, JULY, min_docs=3)
    assert set(lowered["term"]) == {"漏水", "电梯故障"}
    assert lowered.set_index("term").loc["电梯故障", "baseline_share"] == pytest.approx(0.5 / 120)


def test_no_baseline_no_rising(monthly):
    # March has only two months before it (January, February): fewer than three months is no baseline
    assert topics.rising_topics(monthly, date(2026, 3, 1)).empty


def test_excerpts_only_for_ten_or_more_masked(monthly):
    july = _requests()[lambda r: r["month"] == JULY]["request_text"]
    shown = topics.excerpts(july, "漏水", limit=5)
    assert shown == ["漏水，请尽快处理。", "＊＊＊反映＊＊＊室漏水，电话＊＊＊＊＊＊＊＊＊＊＊。"]
    assert topics.excerpts(july, "电梯故障") == []  # 3 requests < 10: hidden
    assert topics.excerpts(july, "噪音扰民") == []  # 8 < 10
    assert topics.excerpts(july, "噪音扰民", min_docs=8) == ["噪音扰民，请尽快处理。"]


def test_mask_hides_digits_and_names():
    assert topics.mask("张先生家住3栋") == "＊先生家住＊栋"


def _order(case_id, when, matter="住房物业", applicant=None, address=None, street="横塘街道", text="漏水"):
    return {
        "case_id": case_id,
        "received_at": when,
        "status": "closed",
        "matter": matter,
        "channel": "hotline",
        "applicant_key": applicant,
        "address_key": address,
        "street": street,
        "request_text": text,
    }


def test_repeat_requests_within_30_days_same_category():
    con = memory_warehouse(
        cases=[
            _order("A1", "2026-06-20 09:00", applicant="p1", address="d1"),  # before the window: looked up only
            _order("A2", "2026-07-10 09:00", applicant="p1", address="d9"),  # 20 days after A1, same caller: repeat
            _order("A3", "2026-07-25 09:00", applicant="p7", address="d1"),  # A1's address, 35 days on: not
            _order("A4", "2026-07-26 09:00", matter="环境保护", applicant="p1"),  # same caller, other category: no
            _order("A5", "2026-08-09 08:59", applicant="p1"),  # 29 days 23:59 after A2, same caller: repeat
            _order("A6", "2026-09-12 09:00", applicant="p1"),  # 34 days after A5: not a repeat
            _order("B1", "2026-07-03 10:00", applicant="q1", street="青龙街道"),
            _order("B2", "2026-07-03 10:00", applicant="q1", street="青龙街道"),  # same minute: the later id repeats
            _order("C1", "2026-07-04 10:00", applicant="r1", text=None),  # no request text: no request
            _order("C2", "2026-07-05 10:00", applicant="r1"),  # C1 is no request, so C2 is the first
        ]
    )
    params = {
        "start": date(2026, 7, 1),
        "end_exclusive": date(2026, 10, 1),
        "grids": [],
        "teams": [],
        "service_lines": [],
        "channels": [],
        "centers": [],
    }
    rows = run_query(con, "page_topics_repeats", params)
    got = {(str(r.month), r.street): (r.requests, r.repeats) for r in rows.itertuples()}
    assert got == {
        ("2026-07-01", "横塘街道"): (4, 1),  # A2, A3, A4, C2: A2 repeats
        ("2026-07-01", "青龙街道"): (2, 1),  # B2
        ("2026-08-01", "横塘街道"): (1, 1),  # A5
        ("2026-09-01", "横塘街道"): (1, 0),  # A6
    }
    by_month = topics.repeat_shares(rows)
    assert by_month["share"].tolist() == [pytest.approx(2 / 6), 1.0, 0.0]
    by_street = topics.repeat_shares(rows, by="street")
    assert list(zip(by_street["street"], by_street["requests"], by_street["repeats"])) == [
        ("横塘街道", 6, 2),
        ("青龙街道", 2, 1),
    ]
