"""The house: one subpackage per job under pipelines/, no test scaffolding in the product,
and the architecture page naming every room (issue: "One house before the next floors")."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("lscp_cli", "lscp_core", "data_contracts", "metrics", "pipelines", "dashboard")
JOBS = {"ingest", "run", "schedule", "export", "synthetic"}


def test_pipelines_has_one_subpackage_per_job_and_no_loose_modules():
    pipelines = ROOT / "pipelines"
    subpackages = {p.name for p in pipelines.iterdir() if (p / "__init__.py").is_file()}
    assert subpackages == JOBS
    loose = {p.name for p in pipelines.glob("*.py")} - {"__init__.py"}
    assert loose == set(), f"modules outside a job's subpackage: {sorted(loose)}"


def test_the_installed_packages_hold_no_test_scaffolding():
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            name = path.stem
            assert not (name.startswith("test") or "bench" in name or "sample" in name
                        or "fixture" in name), path.relative_to(ROOT)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    assert not node.module.startswith(("tests", "pytest")), (
                        f"{path.relative_to(ROOT)} imports {node.module}")
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    assert "LSCP_TEST_" not in node.value, (
                        f"{path.relative_to(ROOT)}: a test hook in product code")


def test_the_architecture_page_names_every_package_and_job():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package in PRODUCT:
        assert f"`{package}/`" in page, package
    for job in JOBS:
        assert f"`{job}/`" in page, job
    # and every module file of every package is named on it, so the page cannot drift
    missing = sorted(str(path.relative_to(ROOT)) for package in PRODUCT
                     for path in (ROOT / package).rglob("*.py")
                     if path.name not in ("__init__.py", "__main__.py")
                     and path.name not in page)
    assert not missing, f"docs/architecture.md does not mention {missing}"


def test_counts_in_the_docs_come_from_the_catalogue():
    """'N indicators' in the README and docs is the catalogue's count, not a number typed once."""
    import re

    from metrics.runner import load_catalogue

    count = len(load_catalogue())
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
                *sorted(ROOT.glob("*/README.md"))]:
        for said in re.findall(r"\b(\d+) (?:computed )?indicators\b", doc.read_text("utf-8")):
            assert int(said) == count, f"{doc.relative_to(ROOT)} says {said} indicators: {count}"
