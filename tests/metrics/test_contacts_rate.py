"""contacts_rate: contacts with contact_date in the rolling 12 months per 10,000 children
aged 0-17, by locality and by the agency whose referral-source codes include
contact_source (none: agency All only); not computed without the contacts extract."""

from datetime import date

import pytest

INDICATORS = ['contacts_rate', 'contact_to_referral', 'rereferral']  # the ones this module reads (conftest builds only these)

E = date(2025, 3, 31)


def _contact(p, ident, child, day, source=None, outcome="NFA"):
    p.add("contacts", {"contact_id": ident, "child_id": child, "contact_date": day,
                       "contact_source": source, "outcome": outcome})


def test_contacts_in_the_window_by_locality_and_agency(p):
    p.anchor()
    p.child("c1").child("c2", "NS2 1AA")
    _contact(p, "before", "c1", "2024-03-31", "5A")
    _contact(p, "first", "c1", "2024-04-01", "5A")   # POL (listed first for 5A)
    _contact(p, "health", "c1", "2024-09-01", "3B")  # HEA ("3A; 3B")
    _contact(p, "unlisted", "c2", "2025-03-31", "1A")  # no agency lists 1A
    _contact(p, "blank", "c2", "2025-01-01", None)
    _contact(p, "after", "c2", "2025-04-01", "5A")
    p.build(as_at="2025-06-30")
    assert p.cell("contacts_rate", E).numerator == 4
    assert p.cell("contacts_rate", E).value == pytest.approx(4 / 4400 * 10000)
    assert p.cell("contacts_rate", E, "North").numerator == 2
    assert p.cell("contacts_rate", E, "North", "POL").numerator == 1
    assert p.cell("contacts_rate", E, "North", "HEA").numerator == 1
    assert p.cell("contacts_rate", E, "All", "EDU").numerator == 0
    assert p.cell("contacts_rate", E, "South", "All").numerator == 2
    # an agency row divides by its locality's children
    assert p.cell("contacts_rate", E, "North", "POL").denominator == 1100


def test_not_computed_without_contacts(p):
    p.anchor()
    p.build(as_at="2025-06-30")
    assert p.periods("contacts_rate") == []
    assert p.periods("contact_to_referral") == []
    assert p.periods("rereferral") or p.periods("referral_nfa")
