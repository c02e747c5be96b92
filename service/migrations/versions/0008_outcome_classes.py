"""outcome classes stored on the derived episode row; the closures index covers them

Revision ID: 0008
Revises: 0007

episode_states gains `completed`, `ascof_2a_numerator` and `ascof_2a_denominator`
(service.domain.outcomes.outcome_classes), NOT NULL with a server default of
false, and existing rows are filled with one UPDATE. On PostgreSQL
ix_episode_states_ended_on_provider is rebuilt with the three columns added to
its INCLUDE (0002's columns kept, `outcome` among them), so the report stays an
index-only scan.

The outcome lists below are a FROZEN copy of service/domain/outcomes.py as of
this revision, on purpose: a migration must do the same thing whenever it runs,
so it does not import the live sets. A later change to the groups needs its own
migration (and a rebuild of derived state refills the columns anyway).
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Frozen copy (see the docstring): do not edit to follow service/domain/outcomes.py.
EARLY_CESSATION = ('early_cessation_nhs_funded_or_deceased', 'early_cessation_other',
                   'early_cessation_to_long_term_support')
ASCOF_2A_NUMERATOR = ('ongoing_low_level_support', 'short_term_support_other', 'no_services_universal_signposted',
                      'no_services_no_identified_needs')
ASCOF_2A_DENOMINATOR = ASCOF_2A_NUMERATOR + ('long_term_support', 'early_cessation_to_long_term_support')

COLUMNS = ('completed', 'ascof_2a_numerator', 'ascof_2a_denominator')

INDEX = 'ix_episode_states_ended_on_provider'
INDEX_KEYS = ['ended_on', 'provider_id']
# 0002's INCLUDE columns, unchanged.
INDEX_COVERED = ['outcome', 'length_of_stay_days', 'start_need_hours_per_week', 'end_need_hours_per_week',
                 'active_goals', 'achieved_goals', 'gas_t_score', 'contact_minutes']


def _postgres() -> bool:
    """Whether this migration runs on PostgreSQL (covering indexes are PostgreSQL only)."""
    return op.get_bind().dialect.name == 'postgresql'


def _rebuild_index(covered: list[str]) -> None:
    """Recreate the closures index with these INCLUDE columns (PostgreSQL only)."""
    if not _postgres():
        return
    op.drop_index(INDEX, table_name='episode_states')
    op.create_index(INDEX, 'episode_states', INDEX_KEYS, unique=False, postgresql_include=covered)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('episode_states', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False))
    states = sa.table('episode_states', sa.column('outcome', sa.String()),
                      *(sa.column(name, sa.Boolean()) for name in COLUMNS))
    outcome = states.c.outcome
    # Rows without an outcome (open episodes) keep the default: false, as outcome_classes(None) says.
    op.execute(states.update().where(outcome.is_not(None)).values(
        completed=outcome.not_in(EARLY_CESSATION),
        ascof_2a_numerator=outcome.in_(ASCOF_2A_NUMERATOR),
        ascof_2a_denominator=outcome.in_(ASCOF_2A_DENOMINATOR),
    ))
    _rebuild_index([*INDEX_COVERED, *COLUMNS])


def downgrade() -> None:
    """Revert this revision."""
    _rebuild_index(INDEX_COVERED)
    with op.batch_alter_table('episode_states', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
