"""the write-side facts snapshot on each stream head; the projection's fold beside derived state

Revision ID: 0006
Revises: 0004

`episodes.facts` holds the facts a visit is checked against (start and end
dates, active goals, assignments), folded from the episode's non-visit events
and kept up to date by the same transaction that appends one. A visit then
reads one row instead of folding part of the stream. NULL (every existing row
after this migration) means "fold the stream", which the next append also
writes back, so no backfill is needed.

`episode_states.fold` holds the stream as the projection folded it for
`projected_version`, so a refresh for a visit that arrives in order extends it
instead of reading the whole stream again. NULL means "fold the whole stream"
(the next refresh writes it).
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facts', sa.JSON(), nullable=True))
    with op.batch_alter_table('episode_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fold', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('episode_states', schema=None) as batch_op:
        batch_op.drop_column('fold')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_column('facts')
