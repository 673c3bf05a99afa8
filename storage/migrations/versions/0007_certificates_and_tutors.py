"""the certificate's day of a status; the regional tutor community

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('platform_statuses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_on', sa.Date(), nullable=True))

    op.create_table('regional_tutors',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id')
    )


def downgrade() -> None:
    op.drop_table('regional_tutors')
    with op.batch_alter_table('platform_statuses', schema=None) as batch_op:
        batch_op.drop_column('certificate_on')
