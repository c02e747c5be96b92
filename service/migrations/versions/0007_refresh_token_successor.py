"""refresh tokens name their replacement, so a lost refresh answer can be retried

Revision ID: 0007
Revises: 0006

A spent refresh token now records the token issued in its place. When a phone
presents a spent token again shortly after spending it, and that replacement
has never been used, the phone lost the answer: it gets a fresh pair instead
of having its session ended. Tokens spent before this revision have no link
and keep the plain reuse rule.
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_refresh_tokens_replaced_by_id_refresh_tokens'),
                                    'refresh_tokens', ['replaced_by_id'], ['id'])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_refresh_tokens_replaced_by_id_refresh_tokens'), type_='foreignkey')
        batch_op.drop_column('replaced_by_id')
