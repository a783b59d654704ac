"""The dashboard's pages, listed once: the app builds its navigation from this registry and
the tests, the browser checks and the benchmark walk it. A new page is one file in
``views/`` and one ``Page`` here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

VIEWS = Path(__file__).resolve().parent / "views"


@dataclass(frozen=True)
class Page:
    file: str  # its script in dashboard/views
    title: str  # in the navigation and the browser tab
    heading: str  # the page's own title (h1)
    url_path: str  # "" for the default page
    icon: str

    @property
    def path(self) -> Path:
        return VIEWS / self.file

    @property
    def script(self) -> str:
        """Its path from the app's folder, as Streamlit's AppTest switches to it."""
        return f"views/{self.file}"

    @property
    def url(self) -> str:
        return f"/{self.url_path}"


PAGES: tuple[Page, ...] = (
    Page("scorecard.py", "Board scorecard", "Board scorecard", "", ":material/dashboard:"),
    Page("exceptions.py", "Exception report", "Exception report", "exceptions",
         ":material/priority_high:"),
    Page("explorer.py", "Indicator explorer", "Indicator explorer", "explorer",
         ":material/query_stats:"),
    Page("localities.py", "Localities", "Localities", "localities", ":material/map:"),
    Page("agency.py", "Agency view", "Agency view", "agency", ":material/groups:"),
    Page("strategies.py", "Strategies", "Strategies", "strategies", ":material/flag:"),
    Page("commentary.py", "Commentary and actions", "Commentary and actions", "commentary",
         ":material/edit_note:"),
    Page("data_quality.py", "Data quality", "Data quality", "data-quality",
         ":material/fact_check:"),
    Page("about.py", "About", "About this dashboard", "about", ":material/info:"),
)
