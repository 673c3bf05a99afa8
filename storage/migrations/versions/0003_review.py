"""review: claims, decisions, cards, versions, forum topics, council

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('council_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meets_on', sa.Date(), nullable=False),
    sa.Column('set_by', sa.BigInteger(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('forum_topics',
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('thread_id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', 'kind')
    )
    op.create_table('submission_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('values', sa.Text(), nullable=False),
    sa.Column('files', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_id', 'version')
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('card_chat_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('card_message_id', sa.BigInteger(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('card_message_id')
        batch_op.drop_column('card_chat_id')
        batch_op.drop_column('comment')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_name')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by_name')
        batch_op.drop_column('claimed_by')

    op.drop_table('submission_versions')
    op.drop_table('forum_topics')
    op.drop_table('council_meetings')
