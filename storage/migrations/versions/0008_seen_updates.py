"""updates already taken on, by update_id (webhook redeliveries handled once)

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-20 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('seen_updates',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('person', sa.BigInteger(), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started', sa.Boolean(), nullable=False),
    sa.Column('handled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('update_id')
    )
    with op.batch_alter_table('seen_updates', schema=None) as batch_op:
        batch_op.create_index('ix_seen_updates_person', ['person', 'update_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seen_updates_seen_at'), ['seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('seen_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seen_updates_seen_at'))
        batch_op.drop_index('ix_seen_updates_person')
    op.drop_table('seen_updates')
