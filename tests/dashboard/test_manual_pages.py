"""Manual measures on the pages: badged "manual" with their source and owner, the same
direction of travel and RAG as computed measures, explorable as entered."""

from __future__ import annotations

from tests.dashboard.conftest import open_page
from tests.support.tables import page_tables


def test_scorecard_badges_a_manual_measure_with_source_and_owner(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = app.run()
    html = "\n".join(h.proto.body for h in at.get("html"))
    row = html[html.index("explorer?indicator=audit_voice_of_child"):][:1200]
    assert 'lscp-badge lscp-manual">manual</span>' in row
    assert "Source: Multi-agency audit (test); owner: Quality assurance lead (test)" in row
    assert "quarter to September 2025" in row
    # the same direction of travel as a computed measure: 10+7 of 27 a year before 10+3 of 23
    assert "better" in row


def test_explorer_shows_a_manual_measure_as_entered(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/explorer.py", indicator="audit_voice_of_child")
    side = "\n".join(m.value for m in at.markdown)
    assert "**Entered by hand:** yes" in side  # values are escaped for Markdown
    assert "**Owner:** Quality assurance lead" in side
    assert any("Measures entered by hand" in c.value for c in at.caption)
    assert not any("XmR" in s.value for s in at.subheader)


def test_data_quality_offers_the_excel_template(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/data_quality.py")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the manual measures template (Excel)" in labels


def test_about_lists_the_manual_measures(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/about.py")
    table = next(d for d in page_tables(at) if "Owner" in d.columns)
    assert "audit_voice_of_child" in set(table["Id"])
    assert (table["Owner"] == "Quality assurance lead (test)").all()
