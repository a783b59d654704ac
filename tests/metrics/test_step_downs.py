"""step_downs: referrals closed in the rolling 12 months with RC9, or with RC7 and an
early help episode of the child starting closure - 7 days .. closure + 28 days
(inclusive, any source). A count."""

from datetime import date

E = date(2024, 12, 31)


def _closed(p, ident, child, reason, closure="2024-06-15"):
    p.child(child).referral(ident, child, "2024-05-01", closure_date=closure,
                            closure_reason=reason)


def test_rc9_and_rc7_with_early_help_in_the_window(p):
    p.anchor()
    _closed(p, "rc9", "a", "RC9")  # no early help needed
    _closed(p, "minus7", "b", "RC7")
    p.early_help("eb", "b", "2024-06-08", source="SELF")
    _closed(p, "plus28", "c", "RC7")
    p.early_help("ec", "c", "2024-07-13")
    _closed(p, "minus8", "d", "RC7")
    p.early_help("ed", "d", "2024-06-07", source="CSC_STEP_DOWN")
    _closed(p, "plus29", "e", "RC7")
    p.early_help("ee", "e", "2024-07-14")
    _closed(p, "rc7_alone", "f", "RC7")
    _closed(p, "rc8", "g", "RC8")
    p.early_help("eg", "g", "2024-06-15")
    _closed(p, "other_child", "h", "RC7")
    p.early_help("eh", "someone-else", "2024-06-15")
    p.build(as_at="2025-06-30")
    assert sorted(r[0] for r in p.rows("select referral_id from int_step_downs")) == [
        "minus7", "plus28", "rc9"]
    cell = p.cell("step_downs", E, "North")
    assert (cell.numerator, cell.denominator, cell.value) == (3, None, 3.0)


def test_closure_date_decides_the_window(p):
    p.anchor()
    _closed(p, "in", "a", "RC9", closure="2024-01-01")
    _closed(p, "before", "b", "RC9", closure="2023-12-31")
    p.child("c").referral("open", "c", "2024-02-01", closure_reason="RC9")  # not closed
    p.build(as_at="2025-06-30")
    assert p.cell("step_downs", E).numerator == 1
