"""The queries/ files, written for DuckDB, as Spark SQL: parsed with sqlglot, parameters bound as literals, then a
list of named rewrites of the expression tree for what sqlglot's own DuckDB → Spark translation gets wrong.

Each rewrite takes a tree and returns it; none reads or edits SQL text. Why each is needed (every one was a
failure or a wrong number on Spark 4.3 before it existed):

- `true_division`: DuckDB's `/` always yields DOUBLE; Spark divides decimals as DECIMAL(…, 6), a 1e-8 error.
- `any_value_ignoring_nulls`: sqlglot's `ANY_VALUE(x) IGNORE NULLS FILTER (…)` is a Spark syntax error.
- `unnest_recursive_to_inline`: `unnest(list_of_structs, recursive := true)` is Spark's `inline(…)`.
- `quantile_list_to_percentile`: `quantile_cont(x, [0.5, 0.9])` is `percentile(x, array(…))` (both interpolate).
- `list_length_to_size`: `len(list)` would become LENGTH, a string length (queries/ use `len` for lists only).
- `epoch_of_interval`: `epoch(a - b)` would become UNIX_TIMESTAMP of an interval; it is microseconds between.
- `zip_sibling_unnests`: two unnests in one select (zipped by DuckDB) is one `inline(arrays_zip(…))`.
- `nested_unnest_to_lateral_view`: an unnest inside an expression is a LATERAL VIEW explode on Spark.
- `ordered_list_agg`: `list(x order by k)` would become collect_list, which drops the order.
- `expand_star_exclude`: `* exclude (…)` has no Spark form; the CTE's own columns are listed instead.
- `unpivot_counts_to_stack`: `unpivot (select count(columns(*)) from t)` (table_column_counts.sql) is a
  `stack(…)` over the table's columns, which the caller's schema names.
Parameters: Spark's argument binding rejects typed empty arrays and structs holding timestamps, so values become
literals of the tree (`literal`): an empty list is `CAST(ARRAY() AS ARRAY<STRING>)`, a datetime a TIMESTAMP_NTZ.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache

import sqlglot
from sqlglot import exp

Rewrite = Callable[[exp.Expression], exp.Expression]
DOUBLE = exp.DataType.build("double")


def literal(value) -> exp.Expression:
    """A Python parameter value as a literal of the tree (lists and dicts nest)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        return exp.Cast(this=exp.Literal.string(repr(value)), to=DOUBLE.copy())
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, datetime):
        return exp.Cast(
            this=exp.Literal.string(value.isoformat(sep=" ")), to=exp.DataType.build("timestamp_ntz", dialect="spark")
        )
    if isinstance(value, date):
        return exp.Cast(this=exp.Literal.string(value.isoformat()), to=exp.DataType.build("date"))
    if isinstance(value, (list, tuple)):
        if not value:  # untyped, Spark's array() is array<void>: no array_contains over it
            return exp.Cast(this=exp.Array(expressions=[]), to=exp.DataType.build("array<string>", dialect="spark"))
        return exp.Array(expressions=[literal(v) for v in value])
    if isinstance(value, dict):
        return exp.Struct(
            expressions=[exp.PropertyEQ(this=exp.to_identifier(k), expression=literal(v)) for k, v in value.items()]
        )
    raise TypeError(f"no Spark literal for a parameter of type {type(value).__name__}")


LITERAL_LIST_LIMIT = 256  # longer lists (the working-day calendar: 18k days) are temporary views: as literals,
#                           Spark spent a minute analysing one query and sqlglot 20 s writing it


def bind_parameters(
    tree: exp.Expression, params: dict, list_view: Callable[[str, list], str] | None = None
) -> exp.Expression:
    """Every `$name` placeholder replaced by its value as a literal; an unbound one is an error. A list longer
    than LITERAL_LIST_LIMIT becomes `(SELECT value FROM <view>)` when `list_view(name, values)` names a
    temporary view holding it as one row, column `value`."""

    def bind(node):
        if isinstance(node, exp.Placeholder) and node.name:
            if node.name not in params:
                raise KeyError(f"parameter ${node.name} is not bound")
            value = params[node.name]
            if list_view and isinstance(value, (list, tuple)) and len(value) > LITERAL_LIST_LIMIT:
                return exp.select("value").from_(list_view(node.name, list(value))).subquery()
            return literal(value)
        return node

    return tree.transform(bind)


def any_value_ignoring_nulls(tree: exp.Expression) -> exp.Expression:
    """DuckDB's any_value skips NULLs; sqlglot says so with IGNORE NULLS, which Spark refuses before FILTER.
    Spark's own spelling is any_value(x, true)."""

    def rewrite(node):
        if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
            node = node.this
        if isinstance(node, exp.AnyValue):
            return exp.Anonymous(this="any_value", expressions=[node.this, exp.true()])
        return node

    return tree.transform(rewrite)


def true_division(tree: exp.Expression) -> exp.Expression:
    def rewrite(node):
        if isinstance(node, exp.Div) and not _is_double_cast(node.this):
            return exp.Div(this=exp.Cast(this=node.this, to=DOUBLE.copy()), expression=node.expression)
        return node

    return tree.transform(rewrite)


def _is_double_cast(node) -> bool:
    return isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.DOUBLE


def unnest_recursive_to_inline(tree: exp.Expression) -> exp.Expression:
    def rewrite(node):
        if isinstance(node, exp.Explode) and any(
            isinstance(arg, exp.PropertyEQ) and arg.this.name.lower() == "recursive" for arg in node.expressions
        ):
            return exp.Anonymous(this="inline", expressions=[node.this])
        return node

    return tree.transform(rewrite)


def quantile_list_to_percentile(tree: exp.Expression) -> exp.Expression:
    def rewrite(node):
        if isinstance(node, exp.PercentileCont) and isinstance(node.expression, exp.Array):
            return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
        return node

    return tree.transform(rewrite)


def list_length_to_size(tree: exp.Expression) -> exp.Expression:
    def rewrite(node):
        if isinstance(node, exp.Length):
            return exp.ArraySize(this=node.this)
        return node

    return tree.transform(rewrite)


def epoch_of_interval(tree: exp.Expression) -> exp.Expression:
    def rewrite(node):
        if isinstance(node, exp.TimeToUnix) and isinstance(node.this, exp.Sub):
            later, earlier = node.this.this, node.this.expression
            micros = exp.TimestampDiff(this=later, expression=earlier, unit=exp.var("MICROSECOND"))
            return exp.Paren(
                this=exp.Div(this=exp.Cast(this=micros, to=DOUBLE.copy()), expression=exp.Literal.number(1_000_000))
            )
        return node

    return tree.transform(rewrite)


def zip_sibling_unnests(tree: exp.Expression) -> exp.Expression:
    for select in tree.find_all(exp.Select):
        projections = select.expressions
        if len(projections) > 1 and all(
            isinstance(p, exp.Alias) and isinstance(p.this, exp.Explode) for p in projections
        ):
            zipped = exp.Anonymous(this="arrays_zip", expressions=[p.this.this for p in projections])
            select.set(
                "expressions",
                [
                    exp.Aliases(
                        this=exp.Anonymous(this="inline", expressions=[zipped]),
                        expressions=[p.args["alias"] for p in projections],
                    )
                ],
            )
    return tree


def nested_unnest_to_lateral_view(tree: exp.Expression) -> exp.Expression:
    for number, select in enumerate(list(tree.find_all(exp.Select))):
        for projection in select.expressions:
            for explode in list(projection.find_all(exp.Explode)):
                if explode is projection or (isinstance(projection, exp.Alias) and explode is projection.this):
                    continue  # a generator at the top of a projection is fine on Spark
                alias = f"unnested_{number}"
                select.append(
                    "laterals",
                    exp.Lateral(
                        this=exp.Explode(this=explode.this),
                        view=True,
                        alias=exp.TableAlias(this=exp.to_identifier(alias), columns=[exp.to_identifier("item")]),
                    ),
                )
                explode.replace(exp.column("item", table=alias))
    return tree


def ordered_list_agg(tree: exp.Expression) -> exp.Expression:
    def rewrite(node):
        if not (isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order)):
            return node
        order = node.this
        values, keys = order.this, [o.this for o in order.expressions]
        if isinstance(values, exp.Distinct) and len(keys) == 1 and values.expressions[0] == keys[0]:
            return exp.Anonymous(this="array_sort", expressions=[exp.ArrayAgg(this=values)])
        pairs = exp.Anonymous(
            this="named_struct",
            expressions=[
                exp.Literal.string("k"),
                exp.Tuple(expressions=keys) if len(keys) > 1 else keys[0],
                exp.Literal.string("v"),
                values,
            ],
        )
        sorted_pairs = exp.Anonymous(this="array_sort", expressions=[exp.ArrayAgg(this=pairs)])
        return sqlglot.parse_one("transform(pairs, e -> e.v)", read="spark").transform(
            lambda n: sorted_pairs if isinstance(n, exp.Column) and n.name == "pairs" else n
        )

    return tree.transform(rewrite)


def expand_star_exclude(tree: exp.Expression) -> exp.Expression:
    ctes = {cte.alias: cte.this for cte in tree.find_all(exp.CTE)}
    for star in list(tree.find_all(exp.Star)):
        excluded = {c.name for c in star.args.get("except_") or []}
        select = star.parent
        if not excluded or not isinstance(select, exp.Select):
            continue
        source = select.args["from_"].this
        names = [p.alias_or_name for p in ctes[source.name].expressions]
        columns = [exp.column(n, table=source.alias or None) for n in names if n not in excluded]
        select.set("expressions", columns + [p for p in select.expressions if p is not star])
    return tree


def unpivot_counts_to_stack(schema: dict[str, list[str]]) -> Rewrite:
    """schema: table name → its column names (the executor's views)."""

    def rewrite(node):
        if not (isinstance(node, exp.Pivot) and node.args.get("unpivot")):
            return node
        inner = node.this.this
        table = inner.args["from_"].this.name
        name_column, value_column = node.args["into"].this, node.args["into"].expressions[0]
        pairs = [exp.Literal.string("*"), exp.Count(this=exp.Star())]
        for column in schema[table]:
            pairs += [exp.Literal.string(column), exp.Count(this=exp.column(column, quoted=True))]
        stack = exp.Anonymous(this="stack", expressions=[exp.Literal.number(len(pairs) // 2), *pairs])
        return exp.select(exp.Aliases(this=stack, expressions=[name_column.this, value_column.this])).from_(table)

    return lambda tree: tree.transform(rewrite)


REWRITES: tuple[Rewrite, ...] = (
    true_division,
    any_value_ignoring_nulls,
    unnest_recursive_to_inline,
    quantile_list_to_percentile,
    list_length_to_size,
    epoch_of_interval,
    zip_sibling_unnests,
    nested_unnest_to_lateral_view,
    ordered_list_agg,
    expand_star_exclude,
)


def spark_type(duckdb_type: str) -> str:
    """A column's DuckDB type (as the export's manifest lists it) in Spark DDL; TIMESTAMP is naive: TIMESTAMP_NTZ."""
    data_type = exp.DataType.build(duckdb_type, dialect="duckdb")
    data_type = data_type.transform(
        lambda n: (
            exp.DataType.build("timestamp_ntz", dialect="spark")
            if isinstance(n, exp.DataType) and n.this == exp.DataType.Type.TIMESTAMP
            else n
        )
    )
    return data_type.sql(dialect="spark")


@cache
def _parsed(duckdb_sql: str) -> exp.Expression:
    return sqlglot.parse_one(duckdb_sql, read="duckdb")


def to_spark(
    duckdb_sql: str, params: dict, schema: dict[str, list[str]], list_view: Callable[[str, list], str] | None = None
) -> str:
    """One queries/ file (DuckDB SQL) with its parameters as Spark SQL (see bind_parameters for `list_view`)."""
    tree = bind_parameters(_parsed(duckdb_sql).copy(), params, list_view)
    for rewrite in (*REWRITES, unpivot_counts_to_stack(schema)):
        tree = rewrite(tree)
    return tree.sql(dialect="spark", comments=False)
