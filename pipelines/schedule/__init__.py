"""Schedule: runs on a timetable or when new files arrive (APScheduler, one process)."""

from pipelines.schedule.scheduler import schedule_command

__all__ = ["schedule_command"]
