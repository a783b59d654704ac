"""``python -m tests.support.paused_cli ARGS``: the ``lscp`` command, pausing a run at a stage.

The kill -9 process tests need a run that stands still at a known moment. The product offers
that moment as ``run_pipeline(on_stage=...)``; this wrapper injects a callback that sleeps
there, so no test hook lives in the product:

    LSCP_TEST_PAUSE_AT      ingest | metrics | publish (see pipelines.run.pipeline.STAGES)
    LSCP_TEST_PAUSE_SECONDS how long to sleep at most (default 60)
    LSCP_TEST_RELEASE_FILE  stop sleeping as soon as this file exists

(A run that should build no packs after it publishes sets the product's own
``LSCP_PACKS_AT_PUBLISH=0``.)
"""

from __future__ import annotations

import functools
import os
import sys
import time

import pipelines.run
from lscp_cli.main import main
from pipelines.run.pipeline import STAGES


def pause_at(wanted: str, stage: str) -> None:
    if stage != wanted:
        return
    print(f"lscp: paused at {stage} (pid {os.getpid()})", file=sys.stderr, flush=True)
    deadline = time.monotonic() + float(os.environ.get("LSCP_TEST_PAUSE_SECONDS", "60"))
    release = os.environ.get("LSCP_TEST_RELEASE_FILE")
    while time.monotonic() < deadline and not (release and os.path.exists(release)):
        time.sleep(0.05)


if __name__ == "__main__":
    wanted = os.environ.get("LSCP_TEST_PAUSE_AT", "")
    if wanted and wanted not in STAGES:
        sys.exit(f"LSCP_TEST_PAUSE_AT must be one of {', '.join(STAGES)}")
    if wanted:
        pipelines.run.run_pipeline = functools.partial(
            pipelines.run.run_pipeline, on_stage=functools.partial(pause_at, wanted))
    sys.exit(main())
