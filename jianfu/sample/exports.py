"""Write the world as the files a street office's systems export, plus the manifest of what importing them
must give. The committed sample_data/ is exactly what write_exports(build_world(2026), "sample_data") writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jianfu.sample.defects import Injected, inject, mix_text_dates
from jianfu.sample.layouts import Export, carried_case_ids, iter_exports
from jianfu.sample.manifest import Written, expected, write_manifest
from jianfu.sample.writers import write_csv, write_csv_fast, write_xlsx

MANIFEST = "manifest.toml"
MIXED_DATES = ("service_center_cases", "办结时间")  # the xlsx date column that also holds dates typed as text


def write_exports(
    world: dict[str, pd.DataFrame], out_dir: str | Path, large: bool = False, seed: int = 2026, cases_scale: float = 1.0
) -> dict:
    """Write every export and manifest.toml into out_dir; return the manifest. `seed` is the world's seed: the
    manifest records it and it decides where the bad rows go. `large` (benchmarks) writes every export as
    plain UTF-8 CSV through Arrow, without the deliberately bad rows or text dates."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 1])  # a stream of its own: the world's draws stay as they are
    in_several = set() if large else carried_case_ids(world["cases"])
    written: list[Written] = []
    injected: list[Injected] = []
    for export in iter_exports(world):
        if large:
            export = Export(
                str(Path(export.file).with_suffix(".csv")), export.profile, export.table, "csv", export.rendered
            )
            write_csv_fast(export.rendered, out / export.file)
        else:
            injected += inject(export, rng, in_several)
            if export.profile == MIXED_DATES[0]:
                mix_text_dates(export, MIXED_DATES[1], rng)
            _write(export, out / export.file)
        written.append(Written.of(export))
    manifest = expected(world, written, injected, seed, cases_scale)
    write_manifest(manifest, out / MANIFEST)
    return manifest


def _write(export: Export, path: Path) -> None:
    if export.fmt == "xlsx":
        write_xlsx(export.rendered, path, export.sheet or path.stem)
    else:
        write_csv(export.rendered, path, export.encoding, export.newline)
