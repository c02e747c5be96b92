"""outcomes-based contracts; covering report indexes on PostgreSQL

Revision ID: 0002
Revises: 0001

The two existing episode_states indexes the reports range over gain INCLUDE
columns on PostgreSQL (same names, same keys), so a report over 50,000 closed
episodes is an index-only scan instead of a scan of the wide derived rows.
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table('contracts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('hourly_rate_gbp', sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True),
    sa.Column('package_weeks', sa.Integer(), nullable=True),
    sa.Column('outcome_pot_gbp', sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_contracts_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_provider_id'), ['provider_id'], unique=False)

    _cover_report_indexes(include=True)


REPORT_INDEXES = {
    'ix_episode_states_ended_on_provider': (
        ['ended_on', 'provider_id'],
        ['outcome', 'length_of_stay_days', 'start_need_hours_per_week', 'end_need_hours_per_week',
         'active_goals', 'achieved_goals', 'gas_t_score', 'contact_minutes'],
    ),
    'ix_episode_states_discharge_provider': (
        ['hospital_discharge_on', 'provider_id'],
        ['follow_up_eligible', 'follow_up_status'],
    ),
}


def _cover_report_indexes(include: bool) -> None:
    """Recreate the report indexes with (or, going down, without) their INCLUDE columns; PostgreSQL only."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, (columns, covered) in REPORT_INDEXES.items():
        op.drop_index(name, table_name='episode_states')
        op.create_index(name, 'episode_states', columns, unique=False,
                        postgresql_include=covered if include else [])


def downgrade() -> None:
    """Revert this revision."""
    _cover_report_indexes(include=False)
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_provider_id'))

    op.drop_table('contracts')
