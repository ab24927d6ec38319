"""Add market intelligence: weekly waiting-list snapshots (a row per package waiting),
cost-of-care scenarios (the model's inputs, dated) and providers' open-book submissions.

Revision ID: 0007_add_market_intelligence
Revises: 0006_add_delivery_and_payment
Create Date: 2026-12-01 16:45:31.776225
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_add_market_intelligence"
down_revision = "0006_add_delivery_and_payment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cost_of_care_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_cost_of_care_scenarios_commissioner_id_commissioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_of_care_scenarios")),
        sa.UniqueConstraint(
            "commissioner_id", "name", name=op.f("uq_cost_of_care_scenarios_commissioner_id_name")
        ),
    )
    op.create_table(
        "open_book_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=254), nullable=False),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_open_book_submissions_period_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_open_book_submissions_commissioner_id_commissioners"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_open_book_submissions_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_book_submissions")),
        sa.UniqueConstraint(
            "provider_id",
            "commissioner_id",
            "period_start",
            name=op.f("uq_open_book_submissions_provider_id_commissioner_id_period_start"),
        ),
    )
    op.create_table(
        "waiting_list_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_waiting_list_snapshots_commissioner_id_commissioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_list_snapshots")),
        sa.UniqueConstraint(
            "commissioner_id",
            "taken_on",
            name=op.f("uq_waiting_list_snapshots_commissioner_id_taken_on"),
        ),
    )
    op.create_table(
        "waiting_list_entries",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("service_type_id", sa.Integer(), nullable=False),
        sa.Column("weekly_hours", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("waiting_since", sa.Date(), nullable=False),
        sa.Column("need_score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["care_packages.id"],
            name=op.f("fk_waiting_list_entries_package_id_care_packages"),
        ),
        sa.ForeignKeyConstraint(
            ["service_type_id"],
            ["service_types.id"],
            name=op.f("fk_waiting_list_entries_service_type_id_service_types"),
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["waiting_list_snapshots.id"],
            name=op.f("fk_waiting_list_entries_snapshot_id_waiting_list_snapshots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_waiting_list_entries_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "package_id", name=op.f("pk_waiting_list_entries")),
    )


def downgrade() -> None:
    op.drop_table("waiting_list_entries")
    op.drop_table("waiting_list_snapshots")
    op.drop_table("open_book_submissions")
    op.drop_table("cost_of_care_scenarios")
