"""What "the same numbers" means between DuckDB and Spark: for the parity tests and the Spark benchmark."""

from __future__ import annotations

import math

REL_TOL = 1e-9


def differences(duck, spark_value, path: str = "") -> list[str]:
    """Where two JSON documents differ: integers, text and flags exactly (a count that came back as a float is
    a difference too), floats beyond 1e-9 relative."""
    if isinstance(duck, dict) and isinstance(spark_value, dict):
        return [
            d
            for k in sorted(set(duck) | set(spark_value), key=str)
            for d in differences(duck.get(k, "<absent>"), spark_value.get(k, "<absent>"), f"{path}.{k}")
        ]
    if isinstance(duck, list) and isinstance(spark_value, list):
        if len(duck) != len(spark_value):
            return [f"{path}: {len(duck)} items vs {len(spark_value)}"]
        return [d for i, (x, y) in enumerate(zip(duck, spark_value)) for d in differences(x, y, f"{path}[{i}]")]
    if type(duck) is type(spark_value):
        if isinstance(duck, float) and math.isclose(duck, spark_value, rel_tol=REL_TOL, abs_tol=1e-12):
            return []
        if not isinstance(duck, float) and duck == spark_value:
            return []
    return [f"{path}: DuckDB {duck!r} vs Spark {spark_value!r}"]
