"""12345 hotline work orders of the 龙城区 district platform for six street offices of different sizes and trends
(the 横塘 community lies in 横塘街道): the 接诉即办 three rates' inputs, a requester and an address per order,
request text built from a topic vocabulary, repeat requests, and one topic (飞线充电) rising in the last months.

Each street's volume, its trend (improving, flat or worsening resolution and satisfaction) and its share of
repeat requests are set in STREETS; `cases_scale` multiplies the volume like the community's cases, and
`streets` > 6 adds generated streets (a city: 300+), so the benchmark generator can grow to city scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jianfu.ingest.personal import scrub_text
from jianfu.sample import catalogue as cat
from jianfu.sample import timeline as tl
from jianfu.sample.frames import constant, daily_counts, frame, ids, labels, masked_bool, weighted

DISTRICT = cat.DISTRICT
HOME_STREET = cat.STREET  # the street of the sample's community

# (street, work orders a month, trend: +1 improving, 0 flat, -1 worsening, share of repeat requests)
STREETS = (
    (HOME_STREET, 75.0, 1, 0.08),
    ("青龙街道", 60.0, 0, 0.10),
    ("丁堰街道", 45.0, -1, 0.14),
    ("红梅街道", 38.0, 1, 0.07),
    ("茶山街道", 32.0, 0, 0.09),
    ("潞城街道", 14.0, -1, 0.12),  # small: under 30 a month, so a ranking neither ranks nor colours it
)

# Topics: (term that the request text contains, 诉求类型, weight, phrases). The term is one entry of the topic
# dictionary jianfu/metrics/topic_words.txt, so segmentation keeps it whole.
TOPICS = (
    ("噪音扰民", "环境保护", 9.0, ("楼上装修噪音扰民", "夜间施工噪音扰民，影响休息", "广场舞音响噪音扰民")),
    ("油烟扰民", "环境保护", 3.0, ("楼下餐馆油烟扰民", "烧烤店油烟扰民，窗户不敢开")),
    ("垃圾清运", "市容环卫", 6.0, ("小区垃圾清运不及时，气味很大", "垃圾清运车辆早上五点作业扰民")),
    ("占道经营", "城市管理", 5.0, ("路口流动摊贩占道经营", "菜场门口占道经营，行人难以通行")),
    ("违章搭建", "城市管理", 3.0, ("楼顶违章搭建阳光房", "一楼住户违章搭建围墙")),
    ("停车难", "交通出行", 7.0, ("小区停车难，车位严重不足", "医院周边停车难，车辆乱停")),
    ("道路破损", "市政设施", 4.0, ("小区门口道路破损，雨天积水", "人行道道路破损，老人容易摔倒")),
    ("路灯不亮", "市政设施", 3.0, ("小区路灯不亮已有一周", "河边步道路灯不亮，夜间不安全")),
    ("电梯故障", "住房物业", 6.0, ("单元电梯故障频繁停运", "电梯故障困人，物业迟迟不来")),
    ("漏水", "住房物业", 5.0, ("楼上卫生间漏水到我家", "屋顶漏水，墙面发霉")),
    ("物业服务", "住房物业", 4.0, ("物业服务差，保洁长期不到位", "物业服务收费不公开")),
    ("供暖不热", "城市供热", 0.0, ("家里供暖不热，室温只有十几度", "暖气片供暖不热，已报修多次")),  # winter only
    ("拖欠工资", "劳动保障", 3.0, ("工地拖欠工资三个月", "公司拖欠工资不予结算")),
    ("宠物扰民", "社区管理", 2.0, ("邻居家狗夜间吠叫宠物扰民", "小区宠物扰民，粪便无人清理")),
    ("飞线充电", "安全隐患", 1.0, ("楼道电动车飞线充电，存在火灾隐患", "有人从窗户拉线飞线充电")),
)
HEATING = 11  # topic index of 供暖不热: only from mid-November to mid-March
RISING = 14  # topic index of 飞线充电: rises over the last three months (a 每月一题 candidate)
RISING_FROM = np.datetime64("2026-08-01")

_PLACES = ("花园", "新村", "家园", "名苑", "雅居", "华庭", "小区", "公寓")
_ROADS = ("人民路", "延陵路", "关河路", "长江路", "青洋路", "龙城大道", "劳动路", "和平路", "天宁路", "竹林路")
_LEADS = ("", "", "", "", "市民来电反映：", "来电人称", "{s}先生反映：", "{s}女士反映：", "{s}师傅来电：")
_ENDS = (
    "，请尽快处理。",
    "，请尽快处理。",
    "，希望相关部门核实处理。",
    "，已多次反映仍未解决。",
    "，请尽快处理，联系电话{p}。",
)
_STATUS = ("已办结", "处理中")
_SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied")
REPEAT_DAYS = 30
CALLERS_PER_MONTHLY_ORDER = 40  # callers in a street's pool per work order a month: chance repeats stay rare


def street_table(streets: int = len(STREETS)) -> list[tuple[str, float, int, float]]:
    """STREETS, plus generated streets (街道 n) of varied sizes and trends when more are asked for."""
    table = list(STREETS)
    rng = np.random.default_rng(12345)
    for n in range(len(STREETS), streets):
        table.append((f"街道{n + 1:03d}", float(rng.lognormal(np.log(70), 0.6)), int(rng.integers(-1, 2)), 0.1))
    return table


def work_orders(rng: np.random.Generator, scale: float, streets: int = len(STREETS)) -> pd.DataFrame:
    """Every work order as a canonical cases row, as the importer stores it (export_columns() gives back what
    the export writes in clear)."""
    parts = [_street_orders(rng, scale, number, spec) for number, spec in enumerate(street_table(streets))]
    orders = pd.concat(parts, ignore_index=True).sort_values(["received_at", "street"], kind="stable")
    return orders.reset_index(drop=True)


def _street_orders(rng, scale, number, spec) -> pd.DataFrame:
    street, monthly, trend, repeat_share = spec
    days = tl.all_days()
    expected = monthly * 12 / 365 * np.where(tl.is_working_day(days), 1.1, 0.8) * tl.seasonality(days)
    day = daily_counts(rng, expected, scale)
    n = len(day)
    topic = _topics(rng, days[day])
    callers = max(50, int(monthly * scale * CALLERS_PER_MONTHLY_ORDER))
    caller = rng.integers(0, callers, n)
    received = tl.minutes(days[day], tl.any_minute(rng, n))
    # Repeat requests: a share of orders call again about the same matter 1–29 days later; a few call back only
    # after 31–60 days (not a repeat by the 30-day rule).
    again = rng.random(n) < repeat_share
    late = again & (rng.random(n) < 0.25)
    gap_days = np.where(late, rng.integers(31, 61, n), rng.integers(1, REPEAT_DAYS, n))
    follow = received[again] + (gap_days[again] * tl.MINUTES_PER_DAY + rng.integers(-300, 300, again.sum())).astype(
        "timedelta64[m]"
    )
    keep = follow <= tl.END_TS
    received = np.concatenate([received, follow[keep]])
    topic = np.concatenate([topic, topic[again][keep]])
    caller = np.concatenate([caller, caller[again][keep]])
    order = np.argsort(received, kind="stable")
    received, topic, caller = received[order], topic[order], caller[order]
    n = len(received)

    # a caller lives at one of a few addresses of the street; a repeat call names the same address
    address = caller % max(40, callers // 3)
    progress = _trend(received, trend)
    responded = rng.random(n) < 0.93 + 0.05 * progress
    resolved = responded & (rng.random(n) < 0.80 + 0.10 * progress)
    # 是否响应 is the platform's verdict on the first contact within 24 hours; the first response time agrees with
    # it (so the community's response-rate KPI reads the orders as the platform does)
    lag = np.where(responded, rng.gamma(1.5, 3 * 60, n).clip(5, 23 * 60), rng.uniform(25 * 60, 72 * 60, n))
    first_response = received + lag.astype("timedelta64[m]")
    closed_at = first_response + (rng.gamma(2.0, 2.5 * 24 * 60, n)).astype("timedelta64[m]") + np.timedelta64(30, "m")
    is_closed = closed_at <= tl.END_TS
    rated = is_closed & (rng.random(n) < 0.8)
    u = rng.random(n)
    happy = np.where(resolved, 0.74 + 0.10 * progress, 0.18 + 0.08 * progress)
    satisfaction = np.where(u < happy, 0, np.where(u < happy + 0.6 * (1 - happy), 1, 2))
    satisfaction = np.where(rated, satisfaction, -1)

    year = received.astype("datetime64[Y]").astype(np.int64) + 1970
    case_id = ids(
        pc.binary_join_element_wise("GD", pc.cast(pa.array(year), pa.string()), f"{number + 1:03d}", ""),
        np.arange(1, n + 1),
        6,
    )
    rows = frame(
        "cases",
        {
            "case_id": case_id,
            "received_at": received,
            "accepted_at": None,
            "handed_off_at": None,
            "first_response_at": np.where(first_response <= tl.END_TS, first_response, tl.NAT),
            "due_at": None,
            "closed_at": np.where(is_closed, closed_at, tl.NAT),
            "status": labels(np.where(is_closed, 2, 1), ("received", "in_progress", "closed")),
            "service_line": None,
            "matter": labels(topic, [t[1] for t in TOPICS]),
            "channel": constant("hotline", n),
            "center": None,
            "grid_id": None,
            "worker_id": None,
            "team": None,
            "visits": None,
            "materials_required": None,
            "materials_reused": None,
            "immediate": None,
            "resolved_on_site": None,
            "reopened_at": None,
            "applicant_key": None,  # filled below: the world stores what the import stores, a key per caller
            "street": constant(street, n),
            "responded": masked_bool(responded, np.ones(n, bool)),
            "resolved": masked_bool(resolved, is_closed),
            "satisfaction": labels(satisfaction, _SATISFACTION),
            "request_text": None,
            "address_key": None,
        },
    )
    person = number * 1_000_000 + caller
    phone = ids("139", person, 8)
    rows["applicant_key"] = pc.binary_join_element_wise("H", phone, "").to_pandas()
    rows["address_key"] = ids("D", number * 1_000_000 + address, 9).to_pandas()
    # stored as the importer stores it: the caller's phone and surname in the text masked
    rows["request_text"] = scrub_text(_texts(rng, topic, person, phone)).to_pandas()
    return rows


def export_columns(rows: pd.DataFrame) -> dict[str, pa.Array]:
    """What the export writes in clear for the work orders `rows` (world rows): the caller's phone, the address
    and the request text as typed (the world keeps them as the importer stores them)."""
    phone = pc.utf8_slice_codeunits(pa.array(rows["applicant_key"], pa.string()), 1)
    place = pc.cast(pc.utf8_slice_codeunits(pa.array(rows["address_key"], pa.string()), 1), pa.int64()).to_numpy()
    number, address = place // 1_000_000, place % 1_000_000
    text = pa.array(rows["request_text"], pa.string())
    text = pc.binary_join_element_wise(*_split_at(text, r"139\*{4}[0-9]{4}", phone, head="[^0-9]*"), "")
    person = pc.cast(phone, pa.int64()).to_numpy() - 13_900_000_000
    text = pc.binary_join_element_wise(*_split_at(text, r"\*", _surnames(person), head="[^*]*"), "")
    return {"phone": phone, "address": _addresses(number, address, pa.array(rows["street"], pa.string())), "text": text}


def _surnames(person: np.ndarray) -> pa.Array:
    return labels(person % len(cat.SURNAMES), list(cat.SURNAMES))


def _trend(received: np.ndarray, trend: int) -> np.ndarray:
    """-1…+1 over the sample: an improving street moves from -1 to +1, a worsening one from +1 to -1."""
    span = (tl.END_TS - tl.START.astype("datetime64[m]")).astype(np.float64)
    elapsed = (received - tl.START.astype("datetime64[m]")).astype(np.float64) / span
    return trend * (2 * elapsed - 1)


def _topics(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    weights = np.array([t[2] for t in TOPICS])
    topic = weighted(rng, len(day), weights)
    month = day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day_of_month = (day - day.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    winter = np.isin(month, (12, 1, 2)) | ((month == 11) & (day_of_month >= 15)) | ((month == 3) & (day_of_month <= 15))
    topic = np.where(winter & (rng.random(len(day)) < 0.12), HEATING, topic)
    months_rising = (day.astype("datetime64[M]") - RISING_FROM.astype("datetime64[M]")).astype(np.int64) + 1
    rising = np.clip(months_rising, 0, None) * 0.03  # 0 before August 2026, then +3 points a month
    return np.where(rng.random(len(day)) < rising, RISING, topic)


def _addresses(number: np.ndarray, address: np.ndarray, street: pa.Array) -> pa.Array:
    place = labels(address % len(_PLACES), _PLACES)
    compound = labels((address // len(_PLACES) + number) % len(cat.GIVEN), list(cat.GIVEN))
    road = labels((address + number) % len(_ROADS), _ROADS)
    door = pc.cast(pa.array(address % 97 + 1), pa.string())
    building = pc.cast(pa.array(address % 23 + 1), pa.string())
    return pc.binary_join_element_wise(DISTRICT, street, road, door, "号", compound, place, building, "栋", "")


def _texts(rng: np.random.Generator, topic: np.ndarray, person: np.ndarray, phone: pa.Array) -> pa.Array:
    """Request text as an operator types it: sometimes who called, always the problem in one of its phrases,
    then a closing request, sometimes with the caller's phone number in it. No other digit is in a text."""
    n = len(topic)
    phrases = [p for t in TOPICS for p in t[3]]
    counts = np.array([len(t[3]) for t in TOPICS])
    first = np.cumsum(counts) - counts
    phrase = first[topic] + rng.integers(0, 1 << 30, n) % counts[topic]
    lead = labels(rng.integers(0, len(_LEADS), n), _LEADS)
    end = labels(rng.integers(0, len(_ENDS), n), _ENDS)
    text = pc.binary_join_element_wise(lead, labels(phrase, phrases), end, "")
    text = pc.binary_join_element_wise(*_split_at(text, r"\{s\}", _surnames(person), head="[^{]*"), "")
    return pc.binary_join_element_wise(*_split_at(text, r"\{p\}", phone, head="[^{]*"), "")


def _split_at(text: pa.Array, pattern: str, filler: pa.Array, head: str) -> list[pa.Array]:
    """(before, filler, after) of the first match of `pattern` in each text, where `head` matches what may come
    before it; (text, "", "") where there is none."""
    parts = pc.extract_regex(text, f"^(?P<head>{head})(?P<mark>{pattern}|)(?P<tail>.*)$")
    found = pc.not_equal(pc.struct_field(parts, "mark"), "")
    return [pc.struct_field(parts, "head"), pc.if_else(found, filler, ""), pc.struct_field(parts, "tail")]
