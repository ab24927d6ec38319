"""Add terms, contracts and tenders: a vehicle's term with its extension decisions; contracts
per commissioner, lot and provider (call-offs on local terms) with obligations and dated
variations; tenders with bids, each evaluator's marks, moderated marks and awards by lot.

Revision ID: 0005_add_contracts_and_tenders
Revises: 0004_add_applications
Create Date: 2026-12-01 15:52:05.354560
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_add_contracts_and_tenders"
down_revision = "0004_add_applications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.Column("abnormally_low_below", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_tenders_vehicle_id_vehicles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenders")),
        sa.UniqueConstraint("code", name=op.f("uq_tenders_code")),
    )
    op.create_table(
        "vehicle_extensions",
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Boolean(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_vehicle_extensions_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vehicle_id", "option", name=op.f("pk_vehicle_extensions")),
    )
    op.create_table(
        "vehicle_terms",
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("initial_months", sa.Integer(), nullable=False),
        sa.Column("extension_months", sa.JSON(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=254), nullable=False),
        sa.CheckConstraint(
            "initial_months > 0", name=op.f("ck_vehicle_terms_initial_months_positive")
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_vehicle_terms_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vehicle_id", name=op.f("pk_vehicle_terms")),
    )
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("rate_card_id", sa.Integer(), nullable=True),
        sa.Column("payment_rules", sa.String(length=200), nullable=False),
        sa.Column("accept_within_hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("ecm_compliance_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("open_book", sa.Boolean(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("initial_months", sa.Integer(), nullable=False),
        sa.Column("extension_months", sa.JSON(), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= starts_on", name=op.f("ck_contracts_ends_after_start")
        ),
        sa.CheckConstraint("initial_months > 0", name=op.f("ck_contracts_initial_months_positive")),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_contracts_commissioner_id_commissioners"),
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_contracts_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_contracts_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["rate_card_id"], ["rate_cards.id"], name=op.f("fk_contracts_rate_card_id_rate_cards")
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_contracts_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint(
            "commissioner_id",
            "lot_id",
            "provider_id",
            "starts_on",
            name=op.f("uq_contracts_commissioner_id_lot_id_provider_id_starts_on"),
        ),
        sa.UniqueConstraint("reference", name=op.f("uq_contracts_reference")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contracts_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "tender_awards",
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("awarded_bidders", sa.JSON(), nullable=False),
        sa.Column("tie_decision", sa.Text(), nullable=True),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("awarded_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_tender_awards_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tenders.id"],
            name=op.f("fk_tender_awards_tender_id_tenders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tender_id", "lot_id", name=op.f("pk_tender_awards")),
    )
    op.create_table(
        "tender_bids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("bidder", sa.String(length=200), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("hourly_rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("gates", sa.JSON(), nullable=False),
        sa.Column("low_price_accepted", sa.Text(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.String(length=254), nullable=False),
        sa.CheckConstraint("hourly_rate > 0", name=op.f("ck_tender_bids_rate_positive")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_tender_bids_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_tender_bids_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tenders.id"],
            name=op.f("fk_tender_bids_tender_id_tenders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_bids")),
        sa.UniqueConstraint(
            "tender_id", "lot_id", "bidder", name=op.f("uq_tender_bids_tender_id_lot_id_bidder")
        ),
    )
    op.create_table(
        "contract_variations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("percent", sa.Numeric(precision=6, scale=3), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("option", sa.Integer(), nullable=True),
        sa.Column("taken", sa.Boolean(), nullable=True),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("agreed_by", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            (
                "(kind = 'uplift' AND percent IS NOT NULL AND effective_from IS NOT NULL"
                " AND option IS NULL AND taken IS NULL)"
                " OR (kind = 'extension' AND option IS NOT NULL AND taken IS NOT NULL"
                " AND percent IS NULL AND effective_from IS NULL)"
            ),
            name=op.f("ck_contract_variations_kind_fields"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_variations_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_variations")),
    )
    with op.batch_alter_table("contract_variations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contract_variations_contract", ["contract_id", "agreed_on"], unique=False
        )

    op.create_table(
        "tender_marks",
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=32), nullable=False),
        sa.Column("evaluator", sa.String(length=254), nullable=False),
        sa.Column("mark", sa.Integer(), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "mark >= 0 AND mark <= 10", name=op.f("ck_tender_marks_mark_on_a_scale")
        ),
        sa.ForeignKeyConstraint(
            ["bid_id"],
            ["tender_bids.id"],
            name=op.f("fk_tender_marks_bid_id_tender_bids"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bid_id", "criterion", "evaluator", name=op.f("pk_tender_marks")),
    )
    op.create_table(
        "tender_moderations",
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=32), nullable=False),
        sa.Column("mark", sa.Integer(), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agreed_by", sa.String(length=254), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "mark >= 0 AND mark <= 10", name=op.f("ck_tender_moderations_mark_on_a_scale")
        ),
        sa.ForeignKeyConstraint(
            ["bid_id"],
            ["tender_bids.id"],
            name=op.f("fk_tender_moderations_bid_id_tender_bids"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bid_id", "criterion", name=op.f("pk_tender_moderations")),
    )


def downgrade() -> None:
    op.drop_table("tender_moderations")
    op.drop_table("tender_marks")
    with op.batch_alter_table("contract_variations", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_variations_contract")

    op.drop_table("contract_variations")
    op.drop_table("tender_bids")
    op.drop_table("tender_awards")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_provider_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_lot_id"))

    op.drop_table("contracts")
    op.drop_table("vehicle_terms")
    op.drop_table("vehicle_extensions")
    op.drop_table("tenders")
