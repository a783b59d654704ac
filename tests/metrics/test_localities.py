"""A record's locality: postcode normalisation and the seeds lookup (staging models)."""

from datetime import date

import pytest

# the staging models are built whatever is selected; one indicator read by locality
INDICATORS = ["referral_nfa"]


@pytest.mark.parametrize("postcode, locality", [
    ("NS1 1AA", "North"),
    ("ns11aa", "North"),  # upper-cased, space put back before the last three characters
    ("  NS1   1AA ", "North"),
    ("NS1", "North"),  # an outward code alone stays as it is
    ("NS1 9ZZ", "South"),  # the sector NS1 9 wins over the outward code NS1
    ("ns19zz", "South"),
    ("NS14 1AB", "Unknown"),  # NS1 is a whole outward code, not a prefix of NS14
    ("NS2 4XY", "South"),
    ("ZZ9 9ZZ", "Unknown"),  # unmatched
    ("NS1 1A", "Unknown"),  # malformed
    ("not a postcode", "Unknown"),
    ("", "Unknown"),
    (None, "Unknown"),
])
def test_child_locality(p, postcode, locality):
    p.child("c1", postcode)
    p.build()
    assert p.rows("select locality from stg_children") == [(locality,)]


def test_seed_prefixes_are_normalised_and_unknown_codes_ignored(p):
    p.add("seed_postcode_localities", [
        {"postcode_prefix": " ns3  2 ", "locality_code": "N"},
        {"postcode_prefix": "NS4", "locality_code": "NOWHERE"},
    ])
    p.child("a", "NS3 2AB").child("b", "NS4 1AB")
    p.build()
    assert p.rows("select child_id, locality from stg_children order by 1") == [
        ("a", "North"), ("b", "Unknown")]


def test_records_of_a_child_without_a_children_row_are_unknown(p):
    p.child("c1").referral("r1", "c1", "2023-01-01").referral("r2", "nobody", "2023-02-01")
    p.build(as_at="2023-12-31")
    assert p.rows("select referral_id, locality from stg_referrals order by 1") == [
        ("r1", "North"), ("r2", "Unknown")]
    assert p.cell("referral_nfa", date(2023, 12, 31), "Unknown").denominator == 1


def test_two_year_old_postcode_overrides_with_no_fall_back(p):
    p.child("k1", "NS1 1AA").child("k2", "NS1 1AA").child("k3", "NS1 1AA")
    p.add("two_year_olds", [
        {"term": "2024-SPR", "child_id": "k1", "postcode": "NS2 1AA", "registered": True},
        {"term": "2024-SPR", "child_id": "k2", "postcode": "ZZ1 1ZZ", "registered": True},
        {"term": "2024-SPR", "child_id": "k3", "postcode": None, "registered": True},
        {"term": "2024-SPR", "child_id": "k4", "postcode": " ", "registered": False},
    ])
    p.build(as_at="2024-12-31")
    assert p.rows("select child_id, locality from stg_two_year_olds order by 1") == [
        ("k1", "South"), ("k2", "Unknown"), ("k3", "North"), ("k4", "Unknown")]
