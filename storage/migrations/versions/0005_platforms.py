"""platforms, networks, district mentors, window openings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:26:12.331260
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schools_district'), ['district'], unique=False)
    op.create_table('window_openings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=60), nullable=False),
    sa.Column('window', sa.String(length=40), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('opened_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('window_openings', schema=None) as batch_op:
        batch_op.create_index('ix_window_openings_lookup', ['programme', 'window', 'opened_on'], unique=False)

    op.create_table('district_mentors',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'district')
    )
    op.create_table('platforms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('lead_school_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_school_id'], ['schools.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('platforms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platforms_lead_school_id'), ['lead_school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_platforms_programme'), ['programme'], unique=False)

    op.create_table('platform_schools',
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('joined_year', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['platform_id'], ['platforms.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('platform_id', 'school_id')
    )
    with op.batch_alter_table('platform_schools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_schools_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district', sa.String(length=200), nullable=True))
        batch_op.alter_column('school_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('platform_statuses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_platform_statuses_platform_id', 'platforms', ['platform_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expert_conclusion', sa.String(length=60), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_submissions_platform_id'), ['platform_id'], unique=False)
        batch_op.create_foreign_key('fk_submissions_platform_id', 'platforms', ['platform_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_submissions_platform_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_submissions_platform_id'))
        batch_op.drop_column('expert_conclusion')
        batch_op.drop_column('platform_id')

    with op.batch_alter_table('platform_statuses', schema=None) as batch_op:
        batch_op.drop_constraint('fk_platform_statuses_platform_id', type_='foreignkey')
        batch_op.drop_column('platform_id')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('school_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('district')

    with op.batch_alter_table('platform_schools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_schools_school_id'))

    op.drop_table('platform_schools')
    with op.batch_alter_table('platforms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platforms_programme'))
        batch_op.drop_index(batch_op.f('ix_platforms_lead_school_id'))

    op.drop_table('platforms')
    op.drop_table('district_mentors')
    with op.batch_alter_table('window_openings', schema=None) as batch_op:
        batch_op.drop_index('ix_window_openings_lookup')

    op.drop_table('window_openings')
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schools_district'))
