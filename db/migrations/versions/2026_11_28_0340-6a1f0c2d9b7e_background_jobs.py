"""background jobs: procrastinate's schema, job notes and queue-task events

Revision ID: 6a1f0c2d9b7e
Revises: 5c1e7a2b9d40
Create Date: 2026-11-28 03:40:00.000000+00:00

procrastinate's tables, types and functions come from the installed package's ``schema.sql``
(procrastinate is pinned in constraints.txt; upgrading it needs a migration that applies its
``sql/migrations`` files). They are excluded from autogenerate (db/migrate.py).

Two triggers on ``procrastinate_jobs`` NOTIFY Gavel's event channel (``gavel_events``) with a
``queue_task`` event when a job is created and each time its status changes, so subscribers
hear of every state change after commit, whichever process changed it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from procrastinate.schema import SchemaManager
from sqlalchemy.dialects import postgresql
from sqlalchemy.util import await_only

from alembic import op


revision: str = "6a1f0c2d9b7e"
down_revision: str | None = "5c1e7a2b9d40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


QUEUE_TASK_EVENTS = r"""
CREATE FUNCTION gavel_job_state(status procrastinate_job_status) RETURNS text
    LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE status
        WHEN 'todo' THEN 'queued'
        WHEN 'doing' THEN 'processing'
        WHEN 'succeeded' THEN 'success'
        ELSE 'failure'
    END
$$;

CREATE FUNCTION gavel_notify_queue_task() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    note record;
    event jsonb;
BEGIN
    SELECT message, result INTO note FROM job_notes WHERE job_id = NEW.id;
    event := jsonb_build_object(
        'type', 'queue_task',
        'phase', CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END,
        'job_id', NEW.id,
        'name', NEW.task_name,
        'state', gavel_job_state(NEW.status),
        'message', left(note.message, 2000)
    );
    PERFORM pg_notify('gavel_events', event::text);
    IF TG_OP = 'UPDATE' AND NEW.status NOT IN ('todo', 'doing') THEN
        event := event || jsonb_build_object('phase', 'completed');
        IF note.result IS NOT NULL AND length(note.result::text) < 4000 THEN
            event := event || jsonb_build_object('result', note.result);
        END IF;
        PERFORM pg_notify('gavel_events', event::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER gavel_queue_task_created
    AFTER INSERT ON procrastinate_jobs
    FOR EACH ROW EXECUTE PROCEDURE gavel_notify_queue_task();

CREATE TRIGGER gavel_queue_task_updated
    AFTER UPDATE OF status ON procrastinate_jobs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE PROCEDURE gavel_notify_queue_task();
"""

DROP_PROCRASTINATE = r"""
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
    procrastinate_workers CASCADE;
DO $$
DECLARE
    fn record;
BEGIN
    FOR fn IN
        SELECT p.oid::regprocedure AS signature FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'
    LOOP
        EXECUTE 'DROP FUNCTION ' || fn.signature || ' CASCADE';
    END LOOP;
END;
$$;
DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
    procrastinate_job_status CASCADE;
"""


def _script(sql: str) -> None:
    """Run a multi-statement SQL script (asyncpg prepares single statements only)."""
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    await_only(driver.execute(sql))


def upgrade() -> None:
    op.create_table(
        "job_notes",
        sa.Column("job_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("queued_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["queued_by_id"],
            ["users.id"],
            name=op.f("fk_job_notes_queued_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_notes")),
    )
    op.create_index(op.f("ix_job_notes_queued_by_id"), "job_notes", ["queued_by_id"], unique=False)
    op.create_index(op.f("ix_job_notes_updated_at"), "job_notes", ["updated_at"], unique=False)
    _script(SchemaManager.get_schema())
    _script(QUEUE_TASK_EVENTS)


def downgrade() -> None:
    _script(
        "DROP TRIGGER IF EXISTS gavel_queue_task_updated ON procrastinate_jobs;"
        "DROP TRIGGER IF EXISTS gavel_queue_task_created ON procrastinate_jobs;"
        "DROP FUNCTION IF EXISTS gavel_notify_queue_task(), gavel_job_state(procrastinate_job_status);"
    )
    _script(DROP_PROCRASTINATE)
    op.drop_index(op.f("ix_job_notes_updated_at"), table_name="job_notes")
    op.drop_index(op.f("ix_job_notes_queued_by_id"), table_name="job_notes")
    op.drop_table("job_notes")
