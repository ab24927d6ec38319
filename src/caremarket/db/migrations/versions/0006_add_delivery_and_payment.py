"""Add delivery and payment: payment rules by name, ECM files and every version of the visit
records they bring, queries held for finance, payment runs with a line per visit
(adjustment lines refer to the line they correct), and providers' invoices with their lines.

Revision ID: 0006_add_delivery_and_payment
Revises: 0005_add_contracts_and_tenders
Create Date: 2026-12-01 16:22:18.300378
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_add_delivery_and_payment"
down_revision = "0005_add_contracts_and_tenders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_rule_sets")),
        sa.UniqueConstraint("name", name=op.f("uq_payment_rule_sets_name")),
    )
    op.create_table(
        "ecm_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("profile", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("visits_new", sa.Integer(), nullable=False),
        sa.Column("visits_changed", sa.Integer(), nullable=False),
        sa.Column("visits_unchanged", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_ecm_files_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecm_files")),
        sa.UniqueConstraint(
            "provider_id", "reference", name=op.f("uq_ecm_files_provider_id_reference")
        ),
    )
    op.create_table(
        "payment_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=254), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'approved')", name=op.f("ck_payment_runs_status_known")
        ),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_payment_runs_period_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_payment_runs_commissioner_id_commissioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_runs")),
        sa.UniqueConstraint("reference", name=op.f("uq_payment_runs_reference")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_invoices_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["payment_runs.id"], name=op.f("fk_invoices_run_id_payment_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint(
            "provider_id", "reference", name=op.f("uq_invoices_provider_id_reference")
        ),
    )
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.String(length=128), nullable=True),
        sa.Column("package_reference", sa.String(length=64), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        sa.UniqueConstraint("invoice_id", "line", name=op.f("uq_invoice_lines_invoice_id_line")),
    )
    op.create_table(
        "visit_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("package_id", sa.Integer(), nullable=True),
        sa.Column("package_reference", sa.String(length=64), nullable=True),
        sa.Column("person_reference", sa.String(length=64), nullable=True),
        sa.Column("planned_start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "completed",
                "missed",
                "cancelled",
                name="visit_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("actual_start_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actual_end_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("carers_planned", sa.Integer(), nullable=True),
        sa.Column("carers_present", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "verification",
            sa.Enum(
                "app",
                "telephone",
                "nfc",
                "ecm",
                "manual",
                name="verification",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("carer_ids", sa.JSON(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=True),
        sa.Column("contract", sa.String(length=64), nullable=True),
        sa.Column("claimed", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "planned_minutes >= 0", name=op.f("ck_visit_records_planned_not_negative")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_visit_records_version_positive")),
        sa.ForeignKeyConstraint(
            ["file_id"], ["ecm_files.id"], name=op.f("fk_visit_records_file_id_ecm_files")
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["care_packages.id"],
            name=op.f("fk_visit_records_package_id_care_packages"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_visit_records_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_records")),
        sa.UniqueConstraint(
            "provider_id",
            "visit_id",
            "version",
            name=op.f("uq_visit_records_provider_id_visit_id_version"),
        ),
    )
    with op.batch_alter_table("visit_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visit_records_current_start", ["current", "planned_start_at"], unique=False
        )
        batch_op.create_index(
            "ix_visit_records_package", ["package_id", "planned_start_at"], unique=False
        )

    op.create_table(
        "payment_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.String(length=128), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("decided", sa.String(length=64), nullable=False),
        sa.Column("planned_minutes", sa.Integer(), nullable=False),
        sa.Column("actual_seconds", sa.Integer(), nullable=True),
        sa.Column("payable_minutes", sa.Integer(), nullable=False),
        sa.Column("carers_paid", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "basis",
            sa.Enum(
                "per-hour",
                "flat",
                name="rate_basis",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("enhancement", sa.Numeric(precision=6, scale=3), nullable=False),
        sa.Column("percent", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("funders", sa.JSON(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("working", sa.Text(), nullable=False),
        sa.Column("adjusts_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["adjusts_id"],
            ["payment_lines.id"],
            name=op.f("fk_payment_lines_adjusts_id_payment_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["care_packages.id"],
            name=op.f("fk_payment_lines_package_id_care_packages"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_payment_lines_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["visit_records.id"],
            name=op.f("fk_payment_lines_record_id_visit_records"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["payment_runs.id"],
            name=op.f("fk_payment_lines_run_id_payment_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_lines")),
    )
    with op.batch_alter_table("payment_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_lines_run_provider", ["run_id", "provider_id"], unique=False
        )

    op.create_table(
        "visit_queries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("holds", sa.Boolean(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=254), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "resolution IS NULL OR resolution IN ('pay', 'do not pay')",
            name=op.f("ck_visit_queries_resolution_known"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["visit_records.id"],
            name=op.f("fk_visit_queries_record_id_visit_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_queries")),
    )
    with op.batch_alter_table("visit_queries", schema=None) as batch_op:
        batch_op.create_index("ix_visit_queries_record", ["record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visit_queries", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_queries_record")

    op.drop_table("visit_queries")
    with op.batch_alter_table("payment_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_lines_run_provider")

    op.drop_table("payment_lines")
    with op.batch_alter_table("visit_records", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_records_package")
        batch_op.drop_index("ix_visit_records_current_start")

    op.drop_table("visit_records")
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
    op.drop_table("payment_runs")
    op.drop_table("ecm_files")
    op.drop_table("payment_rule_sets")
