"""initial schema

Revision ID: ca0a00378ac5
Revises:
Create Date: 2026-11-29 19:30:09.261002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.core.db

revision: str = "ca0a00378ac5"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("field_versions", server.core.db.JSONType, nullable=False),
        sa.Column("field_hlcs", server.core.db.JSONType, nullable=False),
        sa.Column("field_authors", server.core.db.JSONType, nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("deleted_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["area.id"], name=op.f("fk_area_parent_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("code", name=op.f("uq_area_code")),
        sa.UniqueConstraint("path", name=op.f("uq_area_path")),
    )
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "scope_exit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("old_path", sa.String(length=255), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("at", server.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scope_exit")),
    )
    with op.batch_alter_table("scope_exit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scope_exit_change_seq"), ["change_seq"], unique=False)

    op.create_table(
        "sync_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_clock")),
    )
    # The one row every synced write numbers itself from (server/changes.py).
    op.execute("INSERT INTO sync_clock (id, value) VALUES (1, 0)")
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=True),
        sa.Column("sentinel_kind", sa.String(length=20), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("tokens_valid_after", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("payload", server.core.db.JSONType, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("sent_at", server.core.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
    )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_delivery_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_delivery_status"), ["status"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=True),
        sa.Column("detail", server.core.db.JSONType, nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_audit_event_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_event_record", ["entity", "record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)

    op.create_table(
        "conflict",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=14), nullable=False),
        sa.Column("kept_value", server.core.db.JSONType, nullable=True),
        sa.Column("discarded_value", server.core.db.JSONType, nullable=True),
        sa.Column("discarded_hlc", sa.String(length=120), nullable=True),
        sa.Column("discarded_author_id", sa.Integer(), nullable=True),
        sa.Column("discarded_client_id", sa.String(length=64), nullable=True),
        sa.Column("kept_hlc", sa.String(length=120), nullable=True),
        sa.Column("kept_author_id", sa.Integer(), nullable=True),
        sa.Column("mid", sa.String(length=64), nullable=True),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["discarded_author_id"],
            ["user_account.id"],
            name=op.f("fk_conflict_discarded_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["kept_author_id"], ["user_account.id"], name=op.f("fk_conflict_kept_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["user_account.id"], name=op.f("fk_conflict_resolved_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict")),
    )
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflict_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflict_status"), ["status"], unique=False)

    op.create_table(
        "device",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_push_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("last_pull_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("pushes", sa.Integer(), nullable=False),
        sa.Column("pulls", sa.Integer(), nullable=False),
        sa.Column("mutations_applied", sa.Integer(), nullable=False),
        sa.Column("mutations_rejected", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.Column("clamped", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_device_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_device")),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_user_id"), ["user_id"], unique=False)

    op.create_table(
        "household",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("head_name", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lng", sa.Double(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("surveyed_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("surveyed_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("field_versions", server.core.db.JSONType, nullable=False),
        sa.Column("field_hlcs", server.core.db.JSONType, nullable=False),
        sa.Column("field_authors", server.core.db.JSONType, nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("deleted_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["grid_id"], ["area.id"], name=op.f("fk_household_grid_id_area")),
        sa.ForeignKeyConstraint(
            ["surveyed_by"], ["user_account.id"], name=op.f("fk_household_surveyed_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "import_job",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("options", server.core.db.JSONType, nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("result", server.core.db.JSONType, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("started_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("finished_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_import_job_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job")),
    )
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_job_user_id"), ["user_id"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("link", sa.String(length=200), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("read_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notification_dedupe_key")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_notification_inbox", ["user_id", "read_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_user_id"), ["user_id"], unique=False)

    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("mid", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("mutation", server.core.db.JSONType, nullable=False),
        sa.Column("errors", server.core.db.JSONType, nullable=False),
        sa.Column("received_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_quarantine_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quarantine_user_id"), ["user_id"], unique=False)

    op.create_table(
        "revoked_token",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_revoked_token_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_revoked_token")),
    )
    with op.batch_alter_table("revoked_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revoked_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "street_settings",
        sa.Column("street_path", sa.String(length=255), nullable=False),
        sa.Column("values", server.core.db.JSONType, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user_account.id"], name=op.f("fk_street_settings_updated_by_user_account")
        ),
        sa.PrimaryKeyConstraint("street_path", name=op.f("pk_street_settings")),
    )
    op.create_table(
        "sync_mutation",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("mid", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=True),
        sa.Column("record_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("result", server.core.db.JSONType, nullable=False),
        sa.Column("hlc", sa.String(length=120), nullable=True),
        sa.Column("clamped_from", sa.String(length=120), nullable=True),
        sa.Column("received_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_sync_mutation_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("client_id", "mid", name=op.f("pk_sync_mutation")),
    )
    with op.batch_alter_table("sync_mutation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_mutation_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_area",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_user_area_area_id_area")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_area_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "area_id", name=op.f("pk_user_area")),
    )
    op.create_table(
        "minor",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.String(length=6), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("id_number_enc", sa.Text(), nullable=True),
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("id_number_masked", sa.String(length=18), nullable=True),
        sa.Column("hukou", sa.String(length=6), nullable=True),
        sa.Column("lives_with_parents", sa.String(length=8), nullable=True),
        sa.Column("school_status", sa.String(length=14), nullable=True),
        sa.Column("out_of_school_since", sa.Date(), nullable=True),
        sa.Column("school", sa.String(length=100), nullable=True),
        sa.Column("health", sa.String(length=16), nullable=True),
        sa.Column("disability_grade", sa.Integer(), nullable=True),
        sa.Column("disability_kind", sa.String(length=30), nullable=True),
        sa.Column("father_status", sa.String(length=24), nullable=True),
        sa.Column("father_status_since", sa.Date(), nullable=True),
        sa.Column("father_evidence", sa.Text(), nullable=True),
        sa.Column("mother_status", sa.String(length=24), nullable=True),
        sa.Column("mother_status_since", sa.Date(), nullable=True),
        sa.Column("mother_evidence", sa.Text(), nullable=True),
        sa.Column("caregiver", sa.String(length=16), nullable=True),
        sa.Column("caregiver_capable", sa.Boolean(), nullable=True),
        sa.Column("poverty", sa.String(length=16), nullable=True),
        sa.Column("misbehavior", server.core.db.JSONType, nullable=False),
        sa.Column("crime_victim", sa.Boolean(), nullable=False),
        sa.Column("risk_flags", server.core.db.JSONType, nullable=False),
        sa.Column("categories", server.core.db.JSONType, nullable=False),
        sa.Column("categories_manual", server.core.db.JSONType, nullable=False),
        sa.Column("category_reasons", server.core.db.JSONType, nullable=False),
        sa.Column("grade", sa.String(length=6), nullable=True),
        sa.Column("grade_suggested", sa.String(length=6), nullable=True),
        sa.Column("grade_reason", sa.Text(), nullable=True),
        sa.Column("grade_decided_for", sa.String(length=6), nullable=True),
        sa.Column("assigned_worker_id", sa.Integer(), nullable=True),
        sa.Column("last_visit_at", sa.Date(), nullable=True),
        sa.Column("next_visit_due", sa.Date(), nullable=True),
        sa.Column("archived_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("field_versions", server.core.db.JSONType, nullable=False),
        sa.Column("field_hlcs", server.core.db.JSONType, nullable=False),
        sa.Column("field_authors", server.core.db.JSONType, nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("deleted_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_worker_id"], ["user_account.id"], name=op.f("fk_minor_assigned_worker_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_minor_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_minor_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minor")),
    )
    with op.batch_alter_table("minor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minor_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_minor_assigned_worker_id"), ["assigned_worker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_minor_birth_date"), ["birth_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_minor_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_minor_grade"), ["grade"], unique=False)
        batch_op.create_index(batch_op.f("ix_minor_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_minor_id_number_hash"), ["id_number_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_minor_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_minor_next_visit_due"), ["next_visit_due"], unique=False)
        batch_op.create_index(
            "ix_minor_stats_path",
            ["area_path"],
            unique=False,
            postgresql_ops={"area_path": "varchar_pattern_ops"},
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "category_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minor_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["user_account.id"], name=op.f("fk_category_change_changed_by_user_account")
        ),
        sa.ForeignKeyConstraint(["minor_id"], ["minor.id"], name=op.f("fk_category_change_minor_id_minor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_change")),
    )
    with op.batch_alter_table("category_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_category_change_minor_id"), ["minor_id"], unique=False)

    op.create_table(
        "grade_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minor_id", sa.String(length=36), nullable=False),
        sa.Column("from_grade", sa.String(length=6), nullable=True),
        sa.Column("to_grade", sa.String(length=6), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["user_account.id"], name=op.f("fk_grade_change_changed_by_user_account")
        ),
        sa.ForeignKeyConstraint(["minor_id"], ["minor.id"], name=op.f("fk_grade_change_minor_id_minor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_change")),
    )
    with op.batch_alter_table("grade_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grade_change_minor_id"), ["minor_id"], unique=False)

    op.create_table(
        "measure",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("minor_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible_user_id", sa.Integer(), nullable=True),
        sa.Column("responsible_unit", sa.String(length=20), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("started_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("done_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("cancelled_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_measure_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["minor_id"], ["minor.id"], name=op.f("fk_measure_minor_id_minor")),
        sa.ForeignKeyConstraint(
            ["responsible_user_id"],
            ["user_account.id"],
            name=op.f("fk_measure_responsible_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure")),
    )
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_minor_id"), ["minor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measure_status"), ["status"], unique=False)

    op.create_table(
        "report",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reporter_name", sa.String(length=50), nullable=True),
        sa.Column("reporter_phone", sa.String(length=20), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("minor_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("reported_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("acknowledged_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("referred_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("resolved_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("closed_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("field_versions", server.core.db.JSONType, nullable=False),
        sa.Column("field_hlcs", server.core.db.JSONType, nullable=False),
        sa.Column("field_authors", server.core.db.JSONType, nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("deleted_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_report_area_id_area")),
        sa.ForeignKeyConstraint(["minor_id"], ["minor.id"], name=op.f("fk_report_minor_id_minor")),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["user_account.id"], name=op.f("fk_report_reporter_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_minor_id"), ["minor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_reporter_id"), ["reporter_id"], unique=False)
        batch_op.create_index(
            "ix_report_stats_path",
            ["area_path", "reported_at"],
            unique=False,
            postgresql_ops={"area_path": "varchar_pattern_ops"},
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_report_status"), ["status"], unique=False)

    op.create_table(
        "visit",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("minor_id", sa.String(length=36), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("visited_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("findings", server.core.db.JSONType, nullable=False),
        sa.Column("measures", server.core.db.JSONType, nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("review_status", sa.String(length=10), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("field_versions", server.core.db.JSONType, nullable=False),
        sa.Column("field_hlcs", server.core.db.JSONType, nullable=False),
        sa.Column("field_authors", server.core.db.JSONType, nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("deleted_at", server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["minor_id"], ["minor.id"], name=op.f("fk_visit_minor_id_minor")),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["user_account.id"], name=op.f("fk_visit_reviewed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["user_account.id"], name=op.f("fk_visit_visitor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_minor_id"), ["minor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_review_status"), ["review_status"], unique=False)
        batch_op.create_index(
            "ix_visit_stats_path",
            ["area_path", "visited_at"],
            unique=False,
            postgresql_ops={"area_path": "varchar_pattern_ops"},
            postgresql_include=["review_status", "visitor_id"],
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "ix_visit_stats_time",
            ["visited_at"],
            unique=False,
            postgresql_include=["area_path", "review_status", "visitor_id"],
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_visit_visited_at"), ["visited_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_visitor_id"), ["visitor_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=True),
        sa.Column("minor_id", sa.String(length=36), nullable=True),
        sa.Column("to_unit", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("sent_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("accepted_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("started_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("done_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("declined_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("updated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["minor_id"], ["minor.id"], name=op.f("fk_referral_minor_id_minor")),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name=op.f("fk_referral_report_id_report")),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["user_account.id"], name=op.f("fk_referral_sent_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_minor_id"), ["minor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_to_unit"), ["to_unit"], unique=False)

    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_review_decision_decided_by_user_account")
        ),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_review_decision_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decision")),
    )
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_decision_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "referral_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.Column("at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["by"], ["user_account.id"], name=op.f("fk_referral_event_by_user_account")),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_referral_event_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_event")),
    )
    with op.batch_alter_table("referral_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_event_referral_id"), ["referral_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referral_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_event_referral_id"))

    op.drop_table("referral_event")
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_decision_visit_id"))

    op.drop_table("review_decision")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_to_unit"))
        batch_op.drop_index(batch_op.f("ix_referral_status"))
        batch_op.drop_index(batch_op.f("ix_referral_report_id"))
        batch_op.drop_index(batch_op.f("ix_referral_minor_id"))
        batch_op.drop_index(batch_op.f("ix_referral_area_path"))

    op.drop_table("referral")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_visitor_id"))
        batch_op.drop_index(batch_op.f("ix_visit_visited_at"))
        batch_op.drop_index(
            "ix_visit_stats_time",
            postgresql_include=["area_path", "review_status", "visitor_id"],
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_visit_stats_path",
            postgresql_ops={"area_path": "varchar_pattern_ops"},
            postgresql_include=["review_status", "visitor_id"],
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_visit_review_status"))
        batch_op.drop_index(batch_op.f("ix_visit_minor_id"))
        batch_op.drop_index(batch_op.f("ix_visit_change_seq"))
        batch_op.drop_index(batch_op.f("ix_visit_area_path"))

    op.drop_table("visit")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_status"))
        batch_op.drop_index(
            "ix_report_stats_path",
            postgresql_ops={"area_path": "varchar_pattern_ops"},
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_report_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_report_minor_id"))
        batch_op.drop_index(batch_op.f("ix_report_change_seq"))
        batch_op.drop_index(batch_op.f("ix_report_area_path"))
        batch_op.drop_index(batch_op.f("ix_report_area_id"))

    op.drop_table("report")
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_status"))
        batch_op.drop_index(batch_op.f("ix_measure_minor_id"))

    op.drop_table("measure")
    with op.batch_alter_table("grade_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grade_change_minor_id"))

    op.drop_table("grade_change")
    with op.batch_alter_table("category_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_change_minor_id"))

    op.drop_table("category_change")
    with op.batch_alter_table("minor", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_minor_stats_path",
            postgresql_ops={"area_path": "varchar_pattern_ops"},
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_minor_next_visit_due"))
        batch_op.drop_index(batch_op.f("ix_minor_name"))
        batch_op.drop_index(batch_op.f("ix_minor_id_number_hash"))
        batch_op.drop_index(batch_op.f("ix_minor_household_id"))
        batch_op.drop_index(batch_op.f("ix_minor_grade"))
        batch_op.drop_index(batch_op.f("ix_minor_change_seq"))
        batch_op.drop_index(batch_op.f("ix_minor_birth_date"))
        batch_op.drop_index(batch_op.f("ix_minor_assigned_worker_id"))
        batch_op.drop_index(batch_op.f("ix_minor_area_path"))

    op.drop_table("minor")
    op.drop_table("user_area")
    with op.batch_alter_table("sync_mutation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_mutation_user_id"))

    op.drop_table("sync_mutation")
    op.drop_table("street_settings")
    with op.batch_alter_table("revoked_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revoked_token_user_id"))

    op.drop_table("revoked_token")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_user_id"))
        batch_op.drop_index(batch_op.f("ix_quarantine_client_id"))

    op.drop_table("quarantine")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_user_id"))
        batch_op.drop_index("ix_notification_inbox")
        batch_op.drop_index(batch_op.f("ix_notification_created_at"))

    op.drop_table("notification")
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_job_user_id"))

    op.drop_table("import_job")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_grid_id"))
        batch_op.drop_index(batch_op.f("ix_household_change_seq"))
        batch_op.drop_index(batch_op.f("ix_household_area_path"))

    op.drop_table("household")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_user_id"))

    op.drop_table("device")
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_status"))
        batch_op.drop_index(batch_op.f("ix_conflict_record_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_area_path"))

    op.drop_table("conflict")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))
        batch_op.drop_index("ix_audit_event_record")
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))

    op.drop_table("audit_event")
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_status"))
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_record_id"))

    op.drop_table("webhook_delivery")
    op.drop_table("user_account")
    op.drop_table("sync_clock")
    with op.batch_alter_table("scope_exit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scope_exit_change_seq"))

    op.drop_table("scope_exit")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_parent_id"))
        batch_op.drop_index(batch_op.f("ix_area_change_seq"))
        batch_op.drop_index(batch_op.f("ix_area_area_path"))

    op.drop_table("area")
