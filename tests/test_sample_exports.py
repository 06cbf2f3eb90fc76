"""The sample exports: committed == regenerated, byte-for-byte determinism, the encodings and formats real
systems produce, the injected bad rows, and a manifest that agrees with the files."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import tomllib
import zipfile
from pathlib import Path

import fastexcel
import openpyxl
import pytest
from click.testing import CliRunner

from jianfu import cli
from jianfu.sample.exports import write_exports
from jianfu.sample.render import BUILTIN
from jianfu.sample.world import build_world

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def _generate(out: Path, *args: str) -> None:
    result = CliRunner().invoke(cli.main, ["sample", "generate", "--out", str(out), *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    _generate(out)
    return out


@pytest.fixture(scope="module")
def manifest(generated) -> dict:
    return tomllib.loads((generated / "manifest.toml").read_text(encoding="utf-8"))


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _exports(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name != "manifest.toml")


def test_committed_sample_is_exactly_what_generate_writes(generated):
    assert _digests(SAMPLE) == _digests(generated)


def test_same_seed_gives_byte_identical_files(generated, tmp_path):
    write_exports(build_world(2026), tmp_path)
    assert _digests(tmp_path) == _digests(generated)
    # xlsx zips carry no clock: every entry has the same fixed timestamp
    stamps = {info.date_time for p in tmp_path.glob("*.xlsx") for info in zipfile.ZipFile(p).infolist()}
    assert len(stamps) == 1


def test_sizes_fit_in_the_repository(generated):
    sizes = {p.name: p.stat().st_size for p in _exports(generated)}
    assert sum(sizes.values()) <= 8_000_000
    assert max(sizes.values()) <= 4_000_000


def test_encodings_and_formats_as_systems_export_them(generated):
    data = {p.name: p.read_bytes() for p in _exports(generated)}
    xlsx = [n for n, b in data.items() if b.startswith(b"PK\x03\x04")]
    assert len(xlsx) >= 8 and all(n.endswith(".xlsx") for n in xlsx)
    csvs = {n: b for n, b in data.items() if n.endswith(".csv")}
    assert [n for n, b in csvs.items() if b.startswith(b"\xef\xbb\xbf")] == ["好差评评价明细.csv"]
    gb = csvs["网格事件明细.csv"]
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    assert gb.decode("gb18030").startswith("事件编号,上报时间,") and b"\r\n" in gb
    plain = [n for n, b in csvs.items() if n not in ("好差评评价明细.csv", "网格事件明细.csv")]
    assert len(plain) >= 3
    for name in plain:
        assert not csvs[name].startswith(b"\xef\xbb\xbf")
        csvs[name].decode("utf-8")


def test_a_quoted_multi_line_field(generated):
    with open(generated / "好差评评价明细.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    comments = [row[rows[0].index("评价内容")] for row in rows[1:]]
    assert any("\n" in c for c in comments)
    assert b'"' in (generated / "好差评评价明细.csv").read_bytes()


def test_one_date_column_mixes_excel_dates_and_text(generated):
    sheet = openpyxl.load_workbook(generated / "服务中心办件_2024.xlsx", read_only=True)["办件明细"]
    rows = sheet.iter_rows(values_only=True)
    column = next(rows).index("办结时间")
    values = [row[column] for row in rows if row[column] is not None]
    dates = [v for v in values if isinstance(v, dt.datetime)]
    texts = [v for v in values if isinstance(v, str)]
    assert len(dates) > 1000 and 100 < len(texts) < 0.2 * len(values)
    # typed by hand in the profile's second format (the 2024 workbook plants no bad value in this column)
    assert all(dt.datetime.strptime(t, "%Y/%m/%d %H:%M") for t in texts)


def _text_of(path: Path) -> str:
    """The text a reader sees: a CSV's characters, a workbook's strings."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return book.read("xl/sharedStrings.xml").decode("utf-8")
    return _decoded(path.read_bytes())


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def test_personal_columns_are_fake_and_no_id_number_is_in_clear(generated):
    texts = {p.name: _text_of(p) for p in _exports(generated)}
    assert not {n for n, t in texts.items() if ID_NUMBER.search(t)}
    phones = set(
        re.findall(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", texts["网格事件明细.csv"] + texts["服务中心办件_2025.xlsx"])
    )
    assert phones and all(p.startswith("1390000") for p in phones)
    assert re.search(r"3204\*{10}[0-9]{3}[0-9X]", texts["服务中心办件_2025.xlsx"])


def _headers_and_rows(path: Path) -> tuple[list[str], int]:
    if path.suffix == ".xlsx":
        sheet = fastexcel.read_excel(path.read_bytes()).load_sheet(0, dtypes="string")
        return sheet.to_arrow().column_names, sheet.height
    rows = list(csv.reader(io.StringIO(_decoded(path.read_bytes()), newline="")))
    return rows[0], len(rows) - 1


def _profiles() -> dict[str, dict]:
    return {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted(BUILTIN.glob("*.toml"))}


def test_each_export_is_recognised_by_exactly_its_profile(generated, manifest):
    profiles = _profiles()
    for path in _exports(generated):
        headers, rows = _headers_and_rows(path)
        matching = [name for name, doc in profiles.items() if set(doc["options"]["match"]) <= set(headers)]
        spec = manifest["files"][path.name]
        assert matching == [spec["profile"]], path.name
        doc = profiles[spec["profile"]]
        mapped = {h[0] if isinstance(h, list) else h for h in doc["columns"].values()}
        mapped |= {item["header"] for item in doc.get("items", {}).values()}
        assert mapped <= set(headers), path.name
        assert rows == spec["rows"], path.name


def test_builtin_profiles_are_valid_for_the_importer():
    from jianfu.ingest.mapping import load_mapping

    loaded = [load_mapping(path) for path in sorted(BUILTIN.glob("*.toml"))]
    assert len(loaded) == 16 and len({m.match for m in loaded}) == 16


def test_manifest_is_the_world_minus_the_injected_bad_rows(generated, manifest):
    world = build_world(2026)
    assert {p.name for p in _exports(generated)} == set(manifest["files"])
    # rows rejected per table, as planted: cases 3 service + 3 grid (a bad key, received time or status); evaluations
    # 2 好差评 + 1 callback; the duplicates are extra rows, the 3 junk survey answers drop answers, not responses,
    # and a bad closing time, channel, decision time, budget, hours or alliance is set aside while its row loads
    dropped = {"cases": 6, "evaluations": 3, "survey_answers": 3, "ledgers": 1, "record_entries": 1, "inspections": 1}
    assert manifest["tables"] == {name: len(frame) - dropped.get(name, 0) for name, frame in world.items()}
    files = manifest["files"]
    assert manifest["rejects"]["total"] == sum(f["rejected"] for f in files.values()) == 25
    assert all(len(f["bad"]) == f["rejected"] for f in files.values())
    assert [f["rejected"] for f in files.values() if f["profile"] == "service_center_cases"] == [0, 3, 3, 1]
    assert files["网格事件明细.csv"]["rejected"] == 4 and files["居民满意度测评答卷.xlsx"]["rejected"] == 3
    # a case open when one yearly workbook was taken is in the next one too: the files hold more rows than cases
    service_rows = sum(f["rows"] for f in files.values() if f["profile"] == "service_center_cases")
    service_cases = (world["cases"]["center"] == "service_center").sum()
    assert service_rows > service_cases + 1  # + 1: the planted duplicate


def test_large_mode_writes_plain_csv_without_bad_rows(tmp_path):
    (tmp_path / "notes.txt").write_text("kept")
    _generate(tmp_path, "--cases-scale", "0.02", "--large")
    large = tomllib.loads((tmp_path / "manifest.toml").read_text(encoding="utf-8"))
    assert all(name.endswith(".csv") for name in large["files"]) and large["rejects"]["total"] == 0
    world = build_world(2026, cases_scale=0.02)
    assert large["tables"]["cases"] == len(world["cases"])
    headers, rows = _headers_and_rows(tmp_path / "网格事件明细.csv")
    assert headers[:3] == ["事件编号", "上报时间", "事件来源"]
    assert rows == (world["cases"]["center"] == "resident_center").sum()
    # regenerating into the same folder replaces what the previous run listed and nothing else
    _generate(tmp_path, "--cases-scale", "0.02")
    assert not (tmp_path / "服务中心办件_2024.csv").exists() and (tmp_path / "服务中心办件_2024.xlsx").exists()
    assert (tmp_path / "notes.txt").read_text() == "kept"
