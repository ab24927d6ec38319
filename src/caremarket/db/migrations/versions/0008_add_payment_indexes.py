"""Add indexes for importing a year of ECM visits and paying a county's run: a provider's
current visits by planned start (the import's overlap check reads a provider's days), and
payment lines by provider and visit (which visits a run has paid).

Revision ID: 0008_add_payment_indexes
Revises: 0007_add_market_intelligence
Create Date: 2026-12-01 17:25:00.000000
"""

from alembic import op

revision = "0008_add_payment_indexes"
down_revision = "0007_add_market_intelligence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_visit_records_provider_start",
        "visit_records",
        ["provider_id", "current", "planned_start_at"],
    )
    op.create_index("ix_payment_lines_provider_visit", "payment_lines", ["provider_id", "visit_id"])


def downgrade() -> None:
    op.drop_index("ix_payment_lines_provider_visit", table_name="payment_lines")
    op.drop_index("ix_visit_records_provider_start", table_name="visit_records")
