"""Add zone designs: a design applied to a commissioner's zones, with the wards and postcode
sectors of each zone, the day it applies from and when the zones were redrawn to it (none
while it waits for its day).

Revision ID: 0012_add_zone_designs
Revises: 0008_add_payment_indexes
Create Date: 2026-12-01 19:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_add_zone_designs"
down_revision = "0010_add_package_suspensions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zone_designs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("wards", sa.JSON(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sa.String(length=254), nullable=False),
        sa.Column("redrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_zone_designs_commissioner_id_commissioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_designs")),
        sa.UniqueConstraint(
            "commissioner_id", "name", name=op.f("uq_zone_designs_commissioner_id_name")
        ),
    )


def downgrade() -> None:
    op.drop_table("zone_designs")
