"""The ranking page in Debian's chromium, in Chinese, over a small warehouse built through the real importer: a
grids export naming five streets of one district and a 12345-style work-order export (承办单位, 是否响应, 是否解决,
满意度) read with a mapping file, as an office would load them. The ranks, 红榜/黑榜 and the exported table are
checked against hand-computed values, and no error box may appear."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, _free_port

from jianfu.display.i18n import t

pytestmark = pytest.mark.browser

IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
ERRORS = "[data-testid=stException], [data-testid=stAlertContentError]"

GRIDS_MAPPING = """
[options]
table = "grids"
source_system = "test_grids"
match = ["网格编码", "所属街道"]

[columns]
grid_id = "网格编码"
name = "网格名称"
community = "所属社区"
street = "所属街道"
district = "所属区"
"""

ORDERS_MAPPING = """
[options]
table = "cases"
source_system = "test_12345"
match = ["工单编号", "承办单位"]
datetime_formats = ["%Y-%m-%d %H:%M:%S"]

[columns]
case_id = "工单编号"
received_at = "受理时间"
street = "承办单位"
responded = "是否响应"
resolved = "是否解决"
satisfaction = "满意度"

[constants]
channel = "hotline"
status = "closed"

[values.satisfaction]
"满意" = "satisfied"
"基本满意" = "basically_satisfied"
"不满意" = "dissatisfied"
"""

STREETS = ["甲街道", "乙街道", "丙街道", "丁街道", "戊街道"]


def _orders(street: str, month: str, n: int, responded: int, resolved: int, satisfied: int) -> list[list[str]]:
    """n orders of a street received in `month`: the first `responded` responded, and so on."""
    return [
        [
            f"{street}-{month}-{i:03d}",
            f"{month}-{1 + i % 28:02d} 10:00:00",
            street,
            "是" if i < responded else "否",
            "是" if i < resolved else "否",
            "满意" if i < satisfied else "不满意",
        ]
        for i in range(n)
    ]


# October 2026 (composite = 30% 响应率 + 35% 解决率 + 35% 满意率), streets of different sizes for the funnel:
#   甲 60 orders: 60/60, 54/60, 54/60 → 30 + 31.5 + 31.5 = 93.00 → 1
#   乙 50 orders: 50/50, 40/50, 45/50 → 30 + 28 + 31.5 = 89.50 → 2 (tie)
#   丙 40 orders: 40/40, 36/40, 32/40 → 30 + 31.5 + 28 = 89.50 → 2 (tie)
#   丁 80 orders: 72/80, 56/80, 56/80 → 27 + 24.5 + 24.5 = 76.00 → 4
#   戊 10 orders, all perfect → n < 30: listed, not ranked
# September: 丁 100 (1), 甲 1/0.8/0.8 = 86 (2), 乙 1/0.5/0.5 = 65 (3), 丙 0.5 each = 50 (4)
# so October's changes: 甲 ↑1, 乙 ↑1, 丙 ↑2, 丁 ↓3, 戊 —
ORDERS = [
    *_orders("甲街道", "2026-10", 60, 60, 54, 54),
    *_orders("乙街道", "2026-10", 50, 50, 40, 45),
    *_orders("丙街道", "2026-10", 40, 40, 36, 32),
    *_orders("丁街道", "2026-10", 80, 72, 56, 56),
    *_orders("戊街道", "2026-10", 10, 10, 10, 10),
    *_orders("丁街道", "2026-09", 40, 40, 40, 40),
    *_orders("甲街道", "2026-09", 40, 40, 32, 32),
    *_orders("乙街道", "2026-09", 40, 40, 20, 20),
    *_orders("丙街道", "2026-09", 40, 20, 20, 20),
    # November: the data runs past October, so October is the last complete month (the default period)
    *_orders("甲街道", "2026-11", 1, 1, 1, 1),
]
EXPECTED = {  # unit → (rank, change) as the exported table writes them
    "甲街道": ("1", "↑1"),
    "乙街道": ("2", "↑1"),
    "丙街道": ("2", "↑2"),
    "丁街道": ("4", "↓3"),
    "戊街道": ("", "—"),
}


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def ranking_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ranking")
    data_dir = folder / "data"
    env = {**os.environ, "JIANFU_DATA_DIR": str(data_dir)}
    (folder / "grids.toml").write_text(GRIDS_MAPPING, encoding="utf-8")
    (folder / "orders.toml").write_text(ORDERS_MAPPING, encoding="utf-8")
    grids = [[f"W{i}", f"{s}一网格", f"{s[0]}社区", s, "示例区"] for i, s in enumerate(STREETS)]
    _write_csv(folder / "网格.csv", ["网格编码", "网格名称", "所属社区", "所属街道", "所属区"], grids)
    _write_csv(folder / "12345工单.csv", ["工单编号", "受理时间", "承办单位", "是否响应", "是否解决", "满意度"], ORDERS)
    jianfu = str(Path(sys.executable).parent / "jianfu")
    for export, mapping in (("网格.csv", "grids.toml"), ("12345工单.csv", "orders.toml")):
        subprocess.run(
            [jianfu, "ingest", str(folder / export), "--mapping", str(folder / mapping)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    port = _free_port()
    log = open(folder / "server.log", "w")
    proc = subprocess.Popen(
        [jianfu, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"dashboard did not start: {(folder / 'server.log').read_text()[-2000:]}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_the_ranking_page_in_chinese(browser_page, ranking_server, screenshot_dir, tmp_path):
    page = browser_page
    page.goto(f"{ranking_server}/ranking")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_selector("[data-testid=stDataFrame]", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator("h1").first.inner_text() == "排名"
    headings = page.locator("h3").all_inner_texts()
    assert "各街道排名" in headings
    body = page.inner_text("body")
    # 红榜: the top two places (four ranked units: each list at most two), the tie at 2 included; 黑榜: 丁
    assert "第 1 名 · 甲街道 · 93.00" in body
    assert "第 2 名 · 乙街道 · 89.50" in body and "第 2 名 · 丙街道 · 89.50" in body
    assert "第 4 名 · 丁街道 · 76.00" in body
    assert page.locator(ERRORS).count() == 0
    assert "⟦" not in body  # no missing string key

    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=t("export.csv_button", "zh")).first.click()
    path = tmp_path / "ranking.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    ranks = {r["单位"]: (r["排名"], r["较上期"]) for r in rows}
    assert ranks == EXPECTED
    assert {r["单位"]: r["工单数"] for r in rows} == {
        "甲街道": "60",
        "乙街道": "50",
        "丙街道": "40",
        "丁街道": "80",
        "戊街道": "10",
    }
    # ranked first (a tie in name order: 丙 U+4E19 before 乙 U+4E59), the unit too small to rank last
    assert [r["单位"] for r in rows] == ["甲街道", "丙街道", "乙街道", "丁街道", "戊街道"]
    assert {r["单位"]: r["红黑榜"] for r in rows} == {
        "甲街道": "红榜",
        "乙街道": "红榜",
        "丙街道": "红榜",
        "丁街道": "黑榜",
        "戊街道": "",
    }

    height = page.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 160, 12_000)})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(screenshot_dir / "ranking_zh.png"), full_page=True)
