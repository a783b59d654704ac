"""Run: lock, build in a side file, check, publish atomically, record the run history."""

from pipelines.run.pipeline import RunResult, run_pipeline

__all__ = ["RunResult", "run_pipeline"]
