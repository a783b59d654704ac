"""contact_to_referral: contacts in the rolling 12 months with outcome REFERRAL / contacts
in the rolling 12 months, by locality and agency (of contact_source)."""

from datetime import date

import pytest

INDICATORS = ['contact_to_referral', 'contacts_rate']  # the ones this module reads (conftest builds only these)

E = date(2025, 3, 31)


def _contact(p, ident, child, day, outcome, source="5A"):
    p.add("contacts", {"contact_id": ident, "child_id": child, "contact_date": day,
                       "contact_source": source, "outcome": outcome})


def test_share_of_contacts_becoming_referrals(p):
    p.anchor()
    p.child("c1")
    _contact(p, "r1", "c1", "2024-04-01", "REFERRAL")
    _contact(p, "r2", "c1", "2025-03-31", "REFERRAL", source="3A")
    _contact(p, "eh", "c1", "2024-05-01", "EARLY_HELP")
    _contact(p, "ia", "c1", "2024-06-01", "INFO_ADVICE")
    _contact(p, "nfa", "c1", "2024-07-01", "NFA", source="1A")
    _contact(p, "old", "c1", "2024-03-31", "REFERRAL")  # before the window
    p.build(as_at="2025-06-30")
    cell = p.cell("contact_to_referral", E)
    assert (cell.numerator, cell.denominator) == (2, 5)
    assert cell.value == pytest.approx(40.0)
    pol = p.cell("contact_to_referral", E, "North", "POL")
    assert (pol.numerator, pol.denominator) == (1, 3)
    hea = p.cell("contact_to_referral", E, "All", "HEA")
    assert (hea.numerator, hea.denominator) == (1, 1)
    # the rate's count and this denominator are one count
    assert p.cell("contacts_rate", E).numerator == cell.denominator
