"""Background jobs: the use cases that queue them and the work they do.

procrastinate runs them (``server/jobs.py`` registers each task under the names below); the
bodies here only see a ``JobRun`` (the job's id, attempt and database), so they are plain
use cases, testable without a worker.
"""
