# lscp: the pipeline, the scheduler and the dashboard in one image.
#
#   openssl rand -hex 32 > lscp.key && chmod 600 lscp.key
#   docker build -t lscp .
#   docker compose up -d          # dashboard on :8501 + nightly scheduler (docker-compose.yml)
#
# The image makes no outbound calls at run time: Streamlit usage statistics and Great
# Expectations analytics are off, and DuckDB needs no extension downloads.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_HEADLESS=true \
    GX_ANALYTICS_ENABLED=False \
    TZ=Europe/London \
    LSCP_TIMEZONE=Europe/London \
    LSCP_CONFIG=/etc/lscp/lscp.toml \
    HOME=/tmp

# Pango for the PDF board pack (WeasyPrint); fonts so the PDF has text to draw with.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY lscp_core/__init__.py lscp_core/
COPY pipelines/__init__.py pipelines/
COPY lscp_cli/__init__.py lscp_cli/
COPY metrics/__init__.py metrics/
COPY dashboard/__init__.py dashboard/
COPY data_contracts/__init__.py data_contracts/
RUN pip install . tzdata && pip uninstall -y lscp-dashboard

COPY . .
# Installed in place (-e): the app reads seeds/, .streamlit/ and the SQL models from /app.
RUN pip install --no-deps -e . \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home lscp \
 && mkdir -p /data/inbox /data/db /data/work /data/audit /data/seeds /etc/lscp \
 && cp -r /app/seeds/. /data/seeds/ \
 && cp /app/deploy/docker/lscp.toml /etc/lscp/lscp.toml \
 && chown -R lscp:lscp /data \
 && chmod 0700 /data/work

USER lscp
VOLUME ["/data/inbox", "/data/db", "/data/work", "/data/audit", "/data/seeds"]
EXPOSE 8501

# Dashboard by default; docker-compose.yml runs the scheduler from the same image.
CMD ["lscp", "serve", "--host", "0.0.0.0", "--port", "8501"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)" || exit 1
