"""`jianfu sample …`: generate the sample exports (the committed sample_data/ or benchmark-sized sets)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click

from jianfu.sample.exports import MANIFEST, write_exports
from jianfu.sample.world import build_world


@click.group("sample")
def sample() -> None:
    """Deterministic sample data of the 横塘 community."""


@sample.command("generate")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the exports and manifest.toml into (created if missing).",
)
@click.option("--seed", default=2026, show_default=True, help="Same seed, byte-identical files.")
@click.option(
    "--cases-scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Multiplies every event table: 1 ≈ 40k cases (12345 orders included), 25 ≈ 1M, 250 ≈ 10M.",
)
@click.option(
    "--streets",
    default=6,
    show_default=True,
    type=click.IntRange(min=6),
    help="Streets in the 12345 work-order exports: the sample's six, plus generated ones (a city: 300+).",
)
@click.option(
    "--large", is_flag=True, help="Benchmark mode: every export as plain UTF-8 CSV, without the deliberately bad rows."
)
def generate(out_dir: Path, seed: int, cases_scale: float, streets: int, large: bool) -> None:
    """Write the exports a street office's systems would produce, and the manifest of what importing
    them must give. `jianfu sample generate --out sample_data` reproduces the committed sample."""
    _remove_previous(out_dir)
    world = build_world(seed, cases_scale, streets)
    manifest = write_exports(world, out_dir, large=large, seed=seed, cases_scale=cases_scale)
    click.echo(
        f"Wrote {len(manifest['files'])} exports ({manifest['tables']['cases']:,} cases, "
        f"{manifest['rejects']['total']} bad rows) and {MANIFEST} to {out_dir}."
    )


def _remove_previous(out_dir: Path) -> None:
    """Delete the files an earlier run listed in its manifest, so a regenerated folder holds no stale export.
    Nothing else in the folder is touched."""
    manifest = out_dir / MANIFEST
    if not manifest.is_file():
        return
    try:
        listed = tomllib.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        raise click.ClickException(
            f"{manifest} is not a manifest this command wrote; choose another --out folder."
        ) from None
    for name in listed:
        path = out_dir / name
        if path.parent == out_dir and path.is_file():
            path.unlink()
    manifest.unlink()


COMMANDS = [sample]
