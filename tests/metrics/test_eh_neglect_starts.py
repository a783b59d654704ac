"""eh_neglect_starts: early help episodes starting in the rolling 12 months with
neglect_identified Y (a count), by lead agency."""

from datetime import date

E = date(2024, 6, 30)


def test_neglect_episodes_by_lead_agency(p):
    p.anchor()
    p.child("c1")
    p.early_help("e1", "c1", "2023-07-01", agency="HEA", neglect_identified=True)
    p.early_help("e2", "c1", "2024-06-30", agency="POL", neglect_identified=True)
    p.early_help("e3", "c1", "2024-01-01", agency="HEA", neglect_identified=False)
    p.early_help("e4", "c1", "2024-01-01", agency="HEA")  # blank: not identified
    p.early_help("e5", "c1", "2024-01-01", agency="LOCAL", neglect_identified=True)
    p.early_help("e6", "c1", "2023-06-30", agency="HEA", neglect_identified=True)
    p.build(as_at="2024-12-31")
    assert p.cell("eh_neglect_starts", E, "North", "HEA").numerator == 1
    assert p.cell("eh_neglect_starts", E, "North", "POL").numerator == 1
    assert p.cell("eh_neglect_starts", E, "North", "VOL").numerator == 0
    # an agency not in the seeds counts only in All
    assert p.cell("eh_neglect_starts", E, "North", "All").numerator == 3
    assert p.cell("eh_neglect_starts", E, "All", "All").numerator == 3
    assert p.rows("select count(*) from indicator_values where agency = 'LOCAL'") == [(0,)]


def test_lead_agency_matches_the_seed_code_ignoring_case_and_spaces(p):
    p.anchor()
    p.child("c1")
    p.early_help("e1", "c1", "2024-01-01", agency=" hea", neglect_identified=True)
    p.build(as_at="2024-12-31")
    assert p.cell("eh_neglect_starts", E, "North", "HEA").numerator == 1
