"""approval: the clinician changes, who approved and when, the version

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overrides_json", sa.Text(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("approved_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("orthofit_version", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key("fk_visits_approved_by_users", "users", ["approved_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_constraint("fk_visits_approved_by_users", type_="foreignkey")
        batch_op.drop_column("orthofit_version")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("overrides_json")
