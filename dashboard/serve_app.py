"""The dashboard as ``lscp serve`` runs it: ``streamlit run dashboard/serve_app.py`` serves
``dashboard/app.py`` (the app itself, which ``streamlit run dashboard/app.py`` serves the same)
with one addition: each page's HTML says where the server's root is (``base_url.OneBaseUrl``),
so a page opened at its own address connects at once."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # so `dashboard` imports when run from a source tree
    sys.path.insert(0, str(ROOT))

from dashboard.base_url import OneBaseUrl  # noqa: E402

app = st.App(str(Path(__file__).resolve().parent / "app.py"),
             middleware=[Middleware(OneBaseUrl)])
