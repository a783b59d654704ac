"""lscp pipelines, one subpackage per job.

``ingest`` (inbox -> checked, pseudonymised tables and quarantine), ``run`` (lock, build,
publish, run history), ``schedule`` (timed and on-new-file runs), ``export`` (CSV),
``cli`` (the ``lscp`` command, the one entry point above everything), ``synthetic``
(the fictional partnership the demo and the tests use).
"""
