"""reminders outbox, leases, platform statuses, planned events, muting

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_sent_at'), ['sent_at'], unique=False)
    op.create_table('leases',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('PLANNED', 'CLAIMED', 'SENT', 'CANCELLED', 'UNREACHABLE', 'FAILED', name='reminder_status', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index('ix_reminders_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_subject'), ['subject'], unique=False)

    op.create_table('planned_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('form', sa.String(length=100), nullable=False),
    sa.Column('dates', sa.String(length=200), nullable=False),
    sa.Column('event_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('planned_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_events_event_on'), ['event_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_events_plan_id'), ['plan_id'], unique=False)

    op.create_table('platform_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=60), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.BigInteger(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['submissions.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('platform_statuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_statuses_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('user_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('muted', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_sent_at'))
    with op.batch_alter_table('user_settings', schema=None) as batch_op:
        batch_op.drop_column('muted')

    with op.batch_alter_table('platform_statuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_statuses_school_id'))

    op.drop_table('platform_statuses')
    with op.batch_alter_table('planned_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planned_events_plan_id'))
        batch_op.drop_index(batch_op.f('ix_planned_events_event_on'))

    op.drop_table('planned_events')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_subject'))
        batch_op.drop_index('ix_reminders_status_due')

    op.drop_table('reminders')
    op.drop_table('leases')
