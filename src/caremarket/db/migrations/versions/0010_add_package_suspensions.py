"""Add package suspensions: days without planned visits (a hospital stay, respite, the person
away), each with its reason and who recorded and ended it.

Revision ID: 0010_add_package_suspensions
Revises: 0008_add_payment_indexes
Create Date: 2026-12-01 19:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_add_package_suspensions"
down_revision = "0008_add_payment_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "package_suspensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "hospital stay",
                "respite",
                "person away",
                "other",
                name="suspension_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=254), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["care_packages.id"],
            name=op.f("fk_package_suspensions_package_id_care_packages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_suspensions")),
    )
    with op.batch_alter_table("package_suspensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_suspensions_package_id"), ["package_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("package_suspensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_suspensions_package_id"))
    op.drop_table("package_suspensions")
