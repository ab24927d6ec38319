"""Add simulation runs: saved simulation scenarios (their TOML) and runs of them in the
server, with their progress and results.

Revision ID: 0013_add_simulation_runs
Revises: 0012_add_zone_designs
Create Date: 2026-12-01 20:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_add_simulation_runs"
down_revision = "0012_add_zone_designs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "simulation_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["commissioners.id"],
            name=op.f("fk_simulation_scenarios_commissioner_id_commissioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_simulation_scenarios")),
        sa.UniqueConstraint(
            "commissioner_id", "name", name=op.f("uq_simulation_scenarios_commissioner_id_name")
        ),
    )
    op.create_table(
        "simulation_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("replications", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=254), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progress_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["simulation_scenarios.id"],
            name=op.f("fk_simulation_runs_scenario_id_simulation_scenarios"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_simulation_runs")),
    )
    op.create_index(
        op.f("ix_simulation_runs_scenario_id"), "simulation_runs", ["scenario_id"], unique=False
    )
    op.create_index(op.f("ix_simulation_runs_status"), "simulation_runs", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_simulation_runs_status"), table_name="simulation_runs")
    op.drop_index(op.f("ix_simulation_runs_scenario_id"), table_name="simulation_runs")
    op.drop_table("simulation_runs")
    op.drop_table("simulation_scenarios")
