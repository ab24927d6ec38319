"""Add brokerage: sourcing policies, sourcing rounds with their offers and bids,
notifications, bridging care, hand-backs and trusted-assessor changes; the need of a
package's person (risk, carer breakdown, fit for discharge), its subcontractor, and the
direct payment status.

Revision ID: 0003_add_brokerage
Revises: 0002_add_accounts_and_audit
Create Date: 2026-12-01 13:21:34.083537
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_add_brokerage"
down_revision = "0002_add_accounts_and_audit"
branch_labels = None
depends_on = None

STATUSES = ["requested", "sourcing", "waiting", "active", "suspended", "ended", "cancelled"]


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "commissioner",
                "broker",
                "finance",
                "provider",
                "auditor",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("package_ref", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(role IS NULL) <> (provider_id IS NULL)", name=op.f("ck_notifications_one_audience")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_notifications_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "sourcing_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_sourcing_policies_commissioner_id_commissioners"),
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"],
            ["lots.id"],
            name=op.f("fk_sourcing_policies_lot_id_lots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_policies")),
        sa.UniqueConstraint(
            "commissioner_id", "lot_id", name=op.f("uq_sourcing_policies_commissioner_id_lot_id")
        ),
    )
    op.create_table(
        "bridgings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("planned_end_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_by", sa.String(length=254), nullable=False),
        sa.CheckConstraint(
            "planned_end_on >= starts_on", name=op.f("ck_bridgings_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["package_id"], ["care_packages.id"], name=op.f("fk_bridgings_package_id_care_packages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bridgings")),
    )
    with op.batch_alter_table("bridgings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bridgings_package_id"), ["package_id"], unique=False)

    op.create_table(
        "change_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("pattern_before", sa.String(length=500), nullable=False),
        sa.Column("pattern_after", sa.String(length=500), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "applied",
                "awaiting approval",
                "approved",
                "rejected",
                name="change_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["care_packages.id"],
            name=op.f("fk_change_proposals_package_id_care_packages"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_change_proposals_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_proposals")),
    )
    with op.batch_alter_table("change_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_proposals_package_id"), ["package_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_change_proposals_status"), ["status"], unique=False)

    op.create_table(
        "hand_backs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_by", sa.String(length=254), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "staffing",
                "complexity",
                "travel",
                "relationship",
                "other",
                name="hand_back_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("notice_ends_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["care_packages.id"],
            name=op.f("fk_hand_backs_package_id_care_packages"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_hand_backs_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hand_backs")),
    )
    with op.batch_alter_table("hand_backs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hand_backs_package_id"), ["package_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hand_backs_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "sourcings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=32), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "offering",
                "waiting",
                "awarded",
                "closed",
                name="sourcing_phase",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("stage", sa.Integer(), nullable=True),
        sa.Column("stage_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queue", sa.JSON(), nullable=False),
        sa.Column("rate_cap", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("awarded_to_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=254), nullable=False),
        sa.Column("first_offer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["awarded_to_id"], ["providers.id"], name=op.f("fk_sourcings_awarded_to_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["package_id"], ["care_packages.id"], name=op.f("fk_sourcings_package_id_care_packages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcings")),
        sa.UniqueConstraint("package_id", "round", name=op.f("uq_sourcings_package_id_round")),
    )
    with op.batch_alter_table("sourcings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcings_due_at"), ["due_at"], unique=False)

    op.create_table(
        "bids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sourcing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=True),
        sa.Column("hourly_rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("earliest_start", sa.Date(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("hourly_rate > 0", name=op.f("ck_bids_rate_positive")),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_bids_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["sourcing_id"],
            ["sourcings.id"],
            name=op.f("fk_bids_sourcing_id_sourcings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
        sa.UniqueConstraint("sourcing_id", "position", name=op.f("uq_bids_sourcing_id_position")),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sourcing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "accepted",
                "declined",
                "bid",
                "expired",
                "withdrawn",
                name="offer_outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "no capacity",
                "zone",
                "skills",
                "other",
                name="decline_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_offers_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["sourcing_id"],
            ["sourcings.id"],
            name=op.f("fk_offers_sourcing_id_sourcings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("sourcing_id", "position", name=op.f("uq_offers_sourcing_id_position")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offers_provider_outcome", ["provider_id", "outcome"], unique=False
        )
        batch_op.create_index(
            "uq_offers_one_acceptance",
            ["sourcing_id"],
            unique=True,
            sqlite_where=sa.text("outcome = 'accepted'"),
            postgresql_where=sa.text("outcome = 'accepted'"),
        )

    with op.batch_alter_table("care_packages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subcontractor_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "risk",
                sa.Enum(
                    "low",
                    "medium",
                    "high",
                    name="risk",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="low",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("carer_breakdown", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("fit_for_discharge_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_care_packages_subcontractor_id_providers"),
            "providers",
            ["subcontractor_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("ck_care_packages_package_status"), type_="check")
        batch_op.create_check_constraint(
            "package_status", sa.column("status").in_([*STATUSES, "direct payment"])
        )


def downgrade() -> None:
    with op.batch_alter_table("care_packages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_care_packages_subcontractor_id_providers"), type_="foreignkey"
        )
        batch_op.drop_column("fit_for_discharge_on")
        batch_op.drop_column("carer_breakdown")
        batch_op.drop_constraint(batch_op.f("ck_care_packages_risk"), type_="check")
        batch_op.drop_column("risk")
        batch_op.drop_constraint(batch_op.f("ck_care_packages_package_status"), type_="check")
        batch_op.create_check_constraint("package_status", sa.column("status").in_(STATUSES))
        batch_op.drop_column("subcontractor_id")

    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_offers_one_acceptance",
            sqlite_where=sa.text("outcome = 'accepted'"),
            postgresql_where=sa.text("outcome = 'accepted'"),
        )
        batch_op.drop_index("ix_offers_provider_outcome")

    op.drop_table("offers")
    op.drop_table("bids")
    with op.batch_alter_table("sourcings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sourcings_due_at"))

    op.drop_table("sourcings")
    with op.batch_alter_table("hand_backs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hand_backs_provider_id"))
        batch_op.drop_index(batch_op.f("ix_hand_backs_package_id"))

    op.drop_table("hand_backs")
    with op.batch_alter_table("change_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_proposals_status"))
        batch_op.drop_index(batch_op.f("ix_change_proposals_package_id"))

    op.drop_table("change_proposals")
    with op.batch_alter_table("bridgings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bridgings_package_id"))

    op.drop_table("bridgings")
    op.drop_table("sourcing_policies")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_provider_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_at"))

    op.drop_table("notifications")
