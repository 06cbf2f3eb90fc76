"""Colours for plotly traces, read from `.streamlit/config.toml` so the theme stays the single place where
colours are defined. Everything else (fonts, backgrounds, gridlines) comes from Streamlit's theme at render
time (`st.plotly_chart(theme="streamlit")`), which follows the user's light or dark choice."""

from __future__ import annotations

import tomllib
from functools import cache

from jianfu.settings import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"


@cache
def _theme() -> dict:
    with CONFIG.open("rb") as f:
        return tomllib.load(f)["theme"]


def categorical() -> list[str]:
    return list(_theme()["chartCategoricalColors"])


def primary() -> str:
    return _theme()["primaryColor"]


def rating_levels() -> dict[int, str]:
    """好差评 levels 1 (非常不满意) … 5 (非常满意) → colour, from the diverging scale."""
    scale = _theme()["chartDivergingColors"]
    return {1: scale[1], 2: scale[3], 3: scale[4], 4: scale[7], 5: scale[9]}


def good() -> str:
    return _theme()["chartDivergingColors"][8]


def bad() -> str:
    return _theme()["chartDivergingColors"][1]


def neutral() -> str:
    """Reference lines, control limits, funnel limits: visible on light and dark backgrounds."""
    return _theme()["chartDivergingColors"][4]
