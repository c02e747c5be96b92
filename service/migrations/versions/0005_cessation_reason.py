"""early-cessation reason on the derived episode row (for the CLD export)

Revision ID: 0005
Revises: 0003

Closures may now say why reablement stopped early (deceased, NHS-funded care,
admitted to hospital, other); the derived row carries it so the CLD export
reads it without replaying events. Existing closures have none: NULL.
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column('episode_states', sa.Column('cessation_reason', sa.String(length=30), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('episode_states') as batch:
        batch.drop_column('cessation_reason')
