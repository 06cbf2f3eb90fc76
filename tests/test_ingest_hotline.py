"""The built-in 12345 work-order profile: a district platform's export (GB18030 CSV, the alternative headers
受理时间 and 来电号码) is recognised without a mapping; the street, the three rates' inputs and the satisfaction
codes land, the phone and the address are keyed hashes, the request text is scrubbed, and the README's example
export is still read by its own mapping only."""

from __future__ import annotations

import datetime as dt

from test_ingest_helpers import canonical_rows, scalar, write_csv

from jianfu.ingest.loader import import_files
from jianfu.ingest.mapping import MAPPINGS_DIR

HEADERS = [
    "工单编号",
    "受理时间",
    "诉求内容",
    "诉求类型",
    "承办单位",
    "办结时间",
    "是否响应",
    "是否解决",
    "满意度",
    "工单状态",
    "来电号码",
    "诉求地址",
]
ROWS = [
    [
        "GD1",
        "2026-10-01 08:00:00",
        "张先生反映楼上装修噪音扰民，电话13912345678。",
        "环境保护",
        "横塘街道",
        "2026-10-02 09:00:00",
        "是",
        "是",
        "满意",
        "已办结",
        "13912345678",
        "龙城区横塘街道人民路1号",
    ],
    [
        "GD2",
        "2026/10/03 10:00:00",
        "姓名：李四，小区停车难",
        "交通出行",
        "潞城街道",
        "",
        "是",
        "",
        "",
        "处理中",
        "13912345678",
        "龙城区潞城街道延陵路2号",
    ],
    [
        "GD3",
        "2026-10-04 11:00:00",
        "漏水",
        "住房物业",
        "横塘街道",
        "2026-10-05 11:00:00",
        "否",
        "否",
        "不满意",
        "已办结",
        "13800000000",
        "龙城区横塘街道人民路1号",
    ],
]


def test_a_12345_export_is_recognised_and_its_personal_data_protected(tmp_path):
    path = write_csv(tmp_path / "12345工单_2026.csv", HEADERS, ROWS, encoding="gb18030")
    [outcome] = import_files([path])
    assert (outcome.outcome, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 3, 0)
    assert canonical_rows(
        "select case_id, received_at, street, matter, channel, status, responded, resolved, satisfaction,"
        " request_text, source_system from cases order by case_id"
    ) == [
        (
            "GD1",
            dt.datetime(2026, 10, 1, 8),
            "横塘街道",
            "环境保护",
            "hotline",
            "closed",
            True,
            True,
            "satisfied",
            "*先生反映楼上装修噪音扰民，电话139****5678。",
            "district_12345",
        ),
        (
            "GD2",
            dt.datetime(2026, 10, 3, 10),
            "潞城街道",
            "交通出行",
            "hotline",
            "in_progress",
            True,
            None,
            None,
            "姓名：***，小区停车难",
            "district_12345",
        ),
        (
            "GD3",
            dt.datetime(2026, 10, 4, 11),
            "横塘街道",
            "住房物业",
            "hotline",
            "closed",
            False,
            False,
            "dissatisfied",
            "漏水",
            "district_12345",
        ),
    ]
    # the same caller (GD1, GD2) and the same address (GD1, GD3) join as keys; neither is stored in clear
    keys = canonical_rows("select applicant_key, address_key from cases order by case_id")
    assert keys[0][0] == keys[1][0] != keys[2][0] and keys[0][1] == keys[2][1] != keys[1][1]
    assert all(len(k) == 32 and "139" not in k and "路" not in k for pair in keys for k in pair)
    assert scalar("select count(*) from cases where request_text like '%13912345678%'") == 0


def test_the_readme_example_export_is_not_taken_for_a_12345_export(tmp_path):
    [outcome] = import_files([MAPPINGS_DIR / "examples" / "district_12345.csv"])
    assert outcome.outcome == "refused"  # four columns only: no built-in profile fits; it needs its mapping
