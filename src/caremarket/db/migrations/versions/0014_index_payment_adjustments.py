"""Index payment lines by the line they adjust: deleting a draft run's lines (making it again)
checks each deleted line against `adjusts_id`, which refers to the same table, and without an
index PostgreSQL scanned every payment line for each one.

Revision ID: 0014_index_payment_adjustments
Revises: 0012_add_zone_designs
Create Date: 2026-12-01 20:20:00.000000
"""

from alembic import op

revision = "0014_index_payment_adjustments"
down_revision = "0013_add_simulation_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_payment_lines_adjusts_id", "payment_lines", ["adjusts_id"])


def downgrade() -> None:
    op.drop_index("ix_payment_lines_adjusts_id", table_name="payment_lines")
