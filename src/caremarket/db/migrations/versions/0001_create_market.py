"""Create the market model: commissioners, zones, services, providers, vehicles, lots,
memberships, rate cards, people, care packages and the postcode gazetteer.

Revision ID: 0001_create_market
Revises:
Create Date: 2026-11-23 14:30:45.498757
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_create_market"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commissioners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "council",
                "icb",
                name="commissioner_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("pathway_rules", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commissioners")),
        sa.UniqueConstraint("code", name=op.f("uq_commissioners_code")),
    )
    op.create_table(
        "postcodes",
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("lad_code", sa.String(length=9), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=True),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_postcodes")),
    )
    op.create_table(
        "providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cqc_location_ids", sa.JSON(), nullable=False),
        sa.Column(
            "cqc_rating",
            sa.Enum(
                "Outstanding",
                "Good",
                "Requires improvement",
                "Inadequate",
                "Not yet rated",
                name="cqc_rating",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "suspended",
                "exited",
                name="provider_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
        sa.UniqueConstraint("name", name=op.f("uq_providers_name")),
    )
    op.create_table(
        "service_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "visits",
                "24-hour",
                "sleep-in",
                name="service_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_types")),
        sa.UniqueConstraint("code", name=op.f("uq_service_types_code")),
    )
    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "dynamic-market",
                "dps",
                "open-framework",
                "framework",
                "approved-list",
                "lead-provider",
                "single-provider",
                name="vehicle_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("code", name=op.f("uq_vehicles_code")),
    )
    op.create_table(
        "lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("pathway", sa.String(length=16), nullable=True),
        sa.Column("min_providers", sa.Integer(), nullable=False),
        sa.Column("max_providers", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "min_providers >= 0 AND (max_providers IS NULL OR max_providers >= min_providers)",
            name=op.f("ck_lots_provider_range"),
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_lots_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lots")),
        sa.UniqueConstraint("vehicle_id", "code", name=op.f("uq_lots_vehicle_id_code")),
    )
    op.create_table(
        "partnerships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["commissioners.id"], name=op.f("fk_partnerships_lead_id_commissioners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnerships")),
        sa.UniqueConstraint("code", name=op.f("uq_partnerships_code")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_people_commissioner_id_commissioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint(
            "commissioner_id", "reference", name=op.f("uq_people_commissioner_id_reference")
        ),
    )
    op.create_table(
        "rate_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_rate_cards_commissioner_id_commissioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_cards")),
        sa.UniqueConstraint(
            "commissioner_id", "name", name=op.f("uq_rate_cards_commissioner_id_name")
        ),
    )
    op.create_table(
        "vehicle_commissioners",
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_vehicle_commissioners_commissioner_id_commissioners"),
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_vehicle_commissioners_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "vehicle_id", "commissioner_id", name=op.f("pk_vehicle_commissioners")
        ),
    )
    op.create_table(
        "zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_zones_commissioner_id_commissioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("commissioner_id", "code", name=op.f("uq_zones_commissioner_id_code")),
    )
    op.create_table(
        "care_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("service_type_id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=500), nullable=False),
        sa.Column("pathway", sa.String(length=16), nullable=True),
        sa.Column("funding", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "sourcing",
                "waiting",
                "active",
                "suspended",
                "ended",
                "cancelled",
                name="package_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on", name=op.f("ck_care_packages_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_care_packages_commissioner_id_commissioners"),
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_care_packages_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_care_packages_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_care_packages_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["service_type_id"],
            ["service_types.id"],
            name=op.f("fk_care_packages_service_type_id_service_types"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_care_packages_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_packages")),
        sa.UniqueConstraint("reference", name=op.f("uq_care_packages_reference")),
    )
    with op.batch_alter_table("care_packages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_packages_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_care_packages_status"), ["status"], unique=False)

    op.create_table(
        "lot_services",
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("service_type_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lots.id"], name=op.f("fk_lot_services_lot_id_lots"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["service_type_id"],
            ["service_types.id"],
            name=op.f("fk_lot_services_service_type_id_service_types"),
        ),
        sa.PrimaryKeyConstraint("lot_id", "service_type_id", name=op.f("pk_lot_services")),
    )
    op.create_table(
        "lot_zones",
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lots.id"], name=op.f("fk_lot_zones_lot_id_lots"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["zone_id"], ["zones.id"], name=op.f("fk_lot_zones_zone_id_zones")),
        sa.PrimaryKeyConstraint("lot_id", "zone_id", name=op.f("pk_lot_zones")),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column(
            "tier",
            sa.Enum(
                "lead",
                "preferred",
                "approved",
                "supplementary",
                "subcontractor",
                name="tier",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(tier = 'subcontractor') = (lead_id IS NOT NULL)",
            name=op.f("ck_memberships_subcontractor_names_lead"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["providers.id"], name=op.f("fk_memberships_lead_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lots.id"], name=op.f("fk_memberships_lot_id_lots"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_memberships_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "lot_id", "provider_id", name=op.f("uq_memberships_lot_id_provider_id")
        ),
    )
    op.create_table(
        "pool_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("share", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.CheckConstraint(
            "share > 0 AND share <= 100", name=op.f("ck_pool_shares_share_is_a_percentage")
        ),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_pool_shares_commissioner_id_commissioners"),
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_pool_shares_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_shares")),
        sa.UniqueConstraint(
            "partnership_id",
            "commissioner_id",
            name=op.f("uq_pool_shares_partnership_id_commissioner_id"),
        ),
    )
    op.create_table(
        "rate_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rate_card_id", sa.Integer(), nullable=False),
        sa.Column("service_type_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=True),
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
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_rate_lines_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["rate_card_id"],
            ["rate_cards.id"],
            name=op.f("fk_rate_lines_rate_card_id_rate_cards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_type_id"],
            ["service_types.id"],
            name=op.f("fk_rate_lines_service_type_id_service_types"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_rate_lines_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_lines")),
    )


def downgrade() -> None:
    op.drop_table("rate_lines")
    op.drop_table("pool_shares")
    op.drop_table("memberships")
    op.drop_table("lot_zones")
    op.drop_table("lot_services")
    with op.batch_alter_table("care_packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_packages_status"))
        batch_op.drop_index(batch_op.f("ix_care_packages_provider_id"))

    op.drop_table("care_packages")
    op.drop_table("zones")
    op.drop_table("vehicle_commissioners")
    op.drop_table("rate_cards")
    op.drop_table("people")
    op.drop_table("partnerships")
    op.drop_table("lots")
    op.drop_table("vehicles")
    op.drop_table("service_types")
    op.drop_table("providers")
    op.drop_table("postcodes")
    op.drop_table("commissioners")
