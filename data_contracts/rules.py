"""The contract rules Great Expectations cannot express, as DuckDB SQL (set-wise).

- reading values: dates (ISO, UK D/M/YYYY), yes/no variants, whole numbers -> bad_date,
  bad_yes_no, bad_integer; codes normalised (legacy codes and descriptions mapped);
- first-occurrence duplicates (GX's uniqueness flags every copy; here the first loads);
- the academic-year arithmetic (2024/25, not 2024/26);
- cross-file rules that quarantine (orphan_child, orphan_referral, before_referral) and the
  cross-file mismatches that are only warnings.

Every function returns SQL text; ingest runs it. Failures are rows of
(_line, rule, column) so they merge with GX's failures under one rule order.
"""

from __future__ import annotations

from data_contracts import PARSE_RULES, Contract, rule_rank


def q(name: str) -> str:
    """Quote an identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """Quote a string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def trimmed(col: str) -> str:
    # plain trim (spaces): three times faster than trimming a character list
    return f"nullif(trim({q(col)}), '')"


def date_expr(v: str) -> str:
    """SQL reading the text ``v`` as a DATE (NULL when it is not one): ISO ``YYYY-MM-DD``,
    UK ``D/M/YYYY``. lscp's own CSV keeps the edge rule: a time in a date is a bad date (the
    statutory readers cut SQL Server's ``hh:mm:ss.fff`` off before, spec/inputs.md)."""
    # A guard regex first: strptime alone reads '1/2/20' as the year 20. ISO dates have two-
    # digit months and days; only the UK form may have one digit (spec: edge rules).
    return (
        f"case when regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"then try_strptime({v}, '%Y-%m-%d')::DATE "
        f"when regexp_full_match({v}, '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}') "
        f"then try_strptime({v}, '%d/%m/%Y')::DATE "
        "end"
    )


# a cell written as an ISO date (with or without a time): counted in the load report
ISO_CELL = "[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9:.]+)?"


def is_null_word(v: str) -> str:
    """SQL: the trimmed text ``v`` is ``NULL`` in any case (as SQL Server tools export an
    empty value): read as empty, counted in the load report."""
    return f"(length({v}) = 4 and upper({v}) = 'NULL')"


def _yes_no_expr(v: str) -> str:
    return (
        f"case when lower({v}) in ('y', 'yes', 'true', '1') then true "
        f"when lower({v}) in ('n', 'no', 'false', '0') then false end"
    )


def _integer_expr(v: str, dtype: str, digits: int) -> str:
    # '12' and '12.0' (what spreadsheets write) are whole numbers; '12.5', '1e3', 'x' are not.
    # Fast path first: a short value that survives a cast and back unchanged is plain digits
    # (DuckDB's cast alone would also take '1e3', '1_000', '0x10' and round '12.5').
    return (
        f"case when length({v}) <= {digits} and try_cast({v} as {dtype})::VARCHAR = {v} "
        f"then try_cast({v} as {dtype}) "
        f"when regexp_full_match({v}, '[+-]?[0-9]{{1,{digits}}}(\\.0*)?') "
        f"then try_cast(split_part({v}, '.', 1) as {dtype}) end"
    )


def _code_expr(v: str, aliases) -> str:
    if not aliases:
        return f"upper({v})"
    whens = " ".join(f"when {lit(k)} then {lit(code)}" for k, code in aliases)
    return f"case upper({v}) {whens} else upper({v}) end"


def typed_value(col, v: str) -> str:
    """SQL turning the trimmed text ``v`` into the column's typed value (NULL if unreadable)."""
    t = col.type
    if t == "date":
        return date_expr(v)
    if t == "yes_no":
        return _yes_no_expr(v)
    if t == "integer":
        return _integer_expr(v, "INTEGER", 9)
    if t == "bigint":
        return _integer_expr(v, "BIGINT", 18)
    if t == "number":
        return f"try_cast({v} as DOUBLE)"
    if t in ("code", "agency"):
        return _code_expr(v, col.aliases)
    if t == "code_list":
        return (
            f"list_filter(list_transform(string_split_regex(upper({v}), '[;,]'), "
            "lambda e: trim(e)), lambda e: e <> '')"
        )
    return f"upper({v})" if col.upper else v


def typed_select(contract: Contract, raw: str, id_maps: dict[str, str] | None) -> str:
    """SELECT over the raw text table ``raw`` (contract columns + _line) giving typed columns,
    pseudonymised ids, and the first reading failure of each row (_pf_rule, _pf_column).

    ``id_maps``: per id column, a table (raw, pseudonym) holding every id of that column of
    ``raw`` (pipelines.ingest.pseudonymise.file_pseudonyms): hashing each distinct id once
    is cheaper."""
    v = {c.name: f"v_{i}" for i, c in enumerate(contract.columns)}
    texts = ", ".join(f"{trimmed(c.name)} as {v[c.name]}" for c in contract.columns)
    typed = []
    joins = []
    for i, c in enumerate(contract.columns):
        expr = typed_value(c, v[c.name])
        if c.pseudonymise and id_maps:
            joins.append(f"left join {id_maps[c.name]} m{i} on m{i}.raw = texts.{v[c.name]}")
            expr = f"m{i}.pseudonym"
        typed.append(f"{expr} as {q(c.name)}")
    parse_cols = [c for c in contract.columns if c.type in PARSE_RULES]
    order = sorted(parse_cols, key=lambda c: (rule_rank(PARSE_RULES[c.type]),
                                              contract.column_index(c.name)))
    whens_rule = " ".join(
        f"when {v[c.name]} is not null and {q(c.name)} is null then {lit(PARSE_RULES[c.type])}"
        for c in order
    )
    whens_col = " ".join(
        f"when {v[c.name]} is not null and {q(c.name)} is null then {lit(c.name)}" for c in order
    )
    keep = ", ".join(q(c.name) for c in contract.columns)
    pf_rule = f"case {whens_rule} end" if order else "NULL::VARCHAR"
    pf_col = f"case {whens_col} end" if order else "NULL::VARCHAR"
    parse_texts = ", ".join(v[c.name] for c in parse_cols)
    return (
        f"with texts as (select _line, {texts} from {raw}), "
        f"typed as (select _line, {', '.join(typed)}"
        f"{', ' + parse_texts if parse_texts else ''} from texts {' '.join(joins)}) "
        f"select _line, {keep}, {pf_rule} as _pf_rule, {pf_col} as _pf_column from typed"
    )


def rank_sql(contract: Contract) -> str:
    """SQL CASE ranking failures (the rule's place in RULE_ORDER, then the column's) for columns `rule`, `column` of a failures table."""
    rules = sorted({r for r in ("bad_date", "bad_yes_no", "bad_integer", "required",
                                "unknown_code", "bad_format", "out_of_range", "bad_combination",
                                "future_date", "end_before_start", "duplicate", "orphan_child",
                                "orphan_referral", "before_referral")})
    rule_case = " ".join(f"when {lit(r)} then {rule_rank(r)}" for r in rules)
    col_case = " ".join(f"when {lit(c)} then {i}" for i, c in enumerate(contract.column_names))
    return (f"(case rule {rule_case} else 0 end) * 100 "
            f"+ (case \"column\" {col_case} else 99 end)")


def duplicate_failures(contract: Contract, typed: str) -> str | None:
    """Later rows whose key was seen on an earlier line (the first occurrence loads)."""
    if not contract.key:
        return None
    keys = ", ".join(q(k) for k in contract.key)
    not_null = " and ".join(f"{q(k)} is not null" for k in contract.key)
    # a hash aggregate finds the repeated keys first; only their rows are ranked
    return (
        f"select _line, 'duplicate' as rule, {lit(contract.key[-1])} as \"column\" from ("
        f"select _line, row_number() over (partition by {keys} order by _line) as n "
        f"from {typed} semi join (select {keys} from {typed} where {not_null} group by all "
        f"having count(*) > 1) d using ({keys})) where n > 1"
    )


def required_failures(contract: Contract, typed: str) -> str | None:
    """Rows of ``typed`` a required column is missing from: the presence checks, made here
    rather than in GX (data_contracts.gx_suites.PRESENCE). Null as GX's pandas sees it: the
    value GX would be handed (``frame_columns``) is NULL, or NaN for a number, on the rows
    GX would be handed (no reading failure)."""
    from data_contracts import gx_suites

    shown = gx_suites.frame_columns(contract)
    required = [s["kwargs"]["column"] for _i, s in gx_suites.gx_specs(contract, None)
                if s["type"] == gx_suites.PRESENCE]
    if not required:
        return None
    missing = []
    for name in required:
        expr = shown[name]
        nan = f" or isnan({expr})" if contract.column(name).type == "number" else ""
        missing.append((f"(({expr}) is null{nan})", name))
    # one pass: only a row missing something is listed, with each column it misses
    listed = ", ".join(f"case when {test} then {lit(name)} end" for test, name in missing)
    return (f"select _line, 'required' as rule, unnest(list_filter([{listed}], "
            f"lambda x: x is not null)) as \"column\" from {typed} where _pf_rule is null "
            f"and ({' or '.join(test for test, _n in missing)})")


def sql_check_failures(contract: Contract, typed: str) -> list[str]:
    """Row checks of the contract that GX cannot express (here: academic-year arithmetic, and
    a column required unless another is given)."""
    out = []
    for check in contract.checks:
        if check.get("unless"):  # blank here and blank there: one of the two is required
            out.append(
                f"select _line, {lit(check['rule'])} as rule, {lit(check['column'])} as \"column\" "
                f"from {typed} where _pf_rule is null and {q(check['column'])} is null "
                f"and {q(check['unless'])} is null")
        if check.get("consecutive_years"):
            col = q(check["column"])
            # the arithmetic runs once per distinct value (a year repeats on many rows)
            bad = (f"select v from (select distinct {col} as v from {typed} where _pf_rule is null) "
                   f"where regexp_full_match(v, '[0-9]{{4}}/[0-9]{{2}}') and "
                   f"(cast(left(v, 4) as integer) + 1) % 100 <> cast(right(v, 2) as integer)")
            out.append(
                f"select _line, {lit(check['rule'])} as rule, {lit(check['column'])} as \"column\" "
                f"from {typed} where _pf_rule is null and {col} in ({bad})"
            )
    return out


def _ref(ref: str) -> tuple[str, str]:
    """'children.child_id' -> ('src_children', 'child_id'); 'seed_agencies.x' stays a seed."""
    table, column = ref.split(".")
    return (table if table.startswith("seed_") else f"src_{table}"), column


def sent_as_text(contract: Contract) -> list[str]:
    """Columns whose cross-file rule compares a typed value (a date): the land table keeps
    their text as sent, in ``_sent_<column>``, so the quarantine shows what the partner sent
    ('31/10/2021', not '2021-10-31')."""
    return [rule["column"] for rule in contract.cross_file if "via" in rule]


def cross_file_failures(contract: Contract, land: str) -> list[tuple[str, str, str]]:
    """(rule, column, SQL) per cross-file rule, each giving the _line of failing rows of ``land``,
    to be applied in order (a row fails only its first)."""
    out = []
    for rule in contract.cross_file:
        col = q(rule["column"])
        if "value_of" in rule:
            out.append((rule["rule"], rule["column"], _value_mismatch(rule, land)))
            continue
        table, ref_col = _ref(rule["references"])
        if "via" in rule:  # compare with a column of the referenced row
            via = q(rule["via"])
            sql = (
                f"select l._line from {land} l join {table} p on p.{via} = l.{via} "
                f"where l.{col} < p.{q(ref_col)}"
            )
        else:
            sql = (
                f"select l._line from {land} l where l.{col} is not null and not exists "
                f"(select 1 from {table} p where p.{q(ref_col)} = l.{col})"
            )
        out.append((rule["rule"], rule["column"], sql))
    return out


# the value a manual measure's numerator and denominator give, by the declared unit
UNIT_SCALE = {"PERCENT": 100, "RATE": 10000}


def _value_mismatch(rule: dict, land: str) -> str:
    """Rows whose given value disagrees with the one their numerator and denominator give
    (a count: the numerator itself): accepted as computed, or rounded to 0, 1 or 2 decimal
    places, as a figure copied from a report would be."""
    spec = rule["value_of"]
    table, unit = _ref(spec["unit"])
    value, num, den = q(rule["column"]), q(spec["numerator"]), q(spec["denominator"])
    scale = " ".join(f"when {lit(u)} then {k}" for u, k in UNIT_SCALE.items())
    computed = (f"case when m.{q(unit)} = 'COUNT' then l.{num} "
                f"else l.{num} / l.{den} * case m.{q(unit)} {scale} else 1 end end")
    return (
        f"select l._line from {land} l join {table} m on m.{q(spec['key'])} = l.{q(spec['by'])} "
        f"where l.{value} is not null and l.{num} is not null "
        f"and (m.{q(unit)} = 'COUNT' or l.{den} is not null) "
        f"and abs(l.{value} - ({computed})) > 1e-9 "
        f"and abs(l.{value} - round({computed}, 0)) > 1e-9 "
        f"and abs(l.{value} - round({computed}, 1)) > 1e-9 "
        f"and abs(l.{value} - round({computed}, 2)) > 1e-9"
    )


def warning_queries(contract: Contract, table: str) -> list[tuple[str, str]]:
    """(message, SQL count) for cross-file mismatches that only warn; the rows load."""
    out = []
    for w in contract.warnings:
        if "overlap" in w:
            o = w["overlap"]
            by, start, end = q(o["by"]), q(o["start"]), q(o["end"])
            sql = (
                f"select count(*) from (select {by}, {start} s, {end} e, "
                f"lag(coalesce({end}, DATE '9999-12-31')) over (partition by {by} order by {start}, {end}) prev_end "
                f"from {table} where {start} is not null) where s < prev_end"
            )
            out.append((f"plans overlapping an earlier plan of the same child ({w.get('note', '')})".replace(" ()", ""), sql))
            continue
        col = q(w["column"])
        if "same_as" in w:
            ref_table, ref_col = _ref(w["same_as"])
            via = q(w["via"])
            sql = (
                f"select count(*) from {table} l join {ref_table} p on p.{via} = l.{via} "
                f"where l.{col} is distinct from p.{q(ref_col)}"
            )
            out.append((f"{w['column']} differs from its {w['same_as'].split('.')[0]} row's {ref_col}", sql))
        else:
            ref_table, ref_col = _ref(w["references"])
            sql = (
                f"select count(*) from {table} l where l.{col} is not null and not exists "
                f"(select 1 from {ref_table} p where p.{q(ref_col)} = l.{col})"
            )
            where = "seeds/" + ref_table[5:] + ".csv" if ref_table.startswith("seed_") else ref_table[4:]
            out.append((f"{w['column']} not in {where}", sql))
    return out
