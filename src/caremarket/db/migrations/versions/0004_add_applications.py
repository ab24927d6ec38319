"""Add provider applications: each vehicle's admission rules (always open, in windows or
closed; whether Inadequate providers may apply; the documents and insurance required),
providers' applications to a vehicle's lots, and the memberships an approval created.

Revision ID: 0004_add_applications
Revises: 0003_add_brokerage
Create Date: 2026-12-01 15:13:28.494277
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_add_applications"
down_revision = "0003_add_brokerage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("provider_name", sa.String(length=200), nullable=False),
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
        sa.Column("insurance_expires_on", sa.Date(), nullable=False),
        sa.Column("capacity", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("lots", sa.JSON(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sa.String(length=254), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "approved",
                "rejected",
                name="application_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
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
            nullable=True,
        ),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_applications_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_applications_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applications_provider_name"), ["provider_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_applications_status"), ["status"], unique=False)

    op.create_table(
        "vehicle_admissions",
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "always open",
                "windows",
                "closed",
                name="admission_mode",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("inadequate_allowed", sa.Boolean(), nullable=False),
        sa.Column("required_documents", sa.JSON(), nullable=False),
        sa.Column("insured_until", sa.Date(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_vehicle_admissions_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vehicle_id", name=op.f("pk_vehicle_admissions")),
    )
    op.create_table(
        "application_memberships",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_memberships_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_application_memberships_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "application_id", "membership_id", name=op.f("pk_application_memberships")
        ),
    )


def downgrade() -> None:
    op.drop_table("application_memberships")
    op.drop_table("vehicle_admissions")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_status"))
        batch_op.drop_index(batch_op.f("ix_applications_provider_name"))

    op.drop_table("applications")
