"""derived state is compressed with lz4 on PostgreSQL

Revision ID: 0009
Revises: 0008

Every refresh rewrites an episode's derived document and fold (tens of kB for a
long episode). PostgreSQL compresses such values with pglz by default; lz4 took
the server's CPU for writing one row of a 150-visit episode (22.6 kB document,
10.6 kB fold) from 0.31-0.34 to 0.12-0.13 ms, for 8.5 instead of 6.4 kB on disk
(1,000 inserts each way, backend CPU from /proc, 2026-12-02). Values already
stored keep their compression until rewritten. A server built without lz4 keeps
pglz (a notice, not an error); SQLite has nothing to change.
"""

from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _set_compression(method: str) -> None:
    """Compress new values of the derived-state columns with `method` (PostgreSQL only)."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f"""
        DO $$
        BEGIN
            ALTER TABLE episode_states ALTER COLUMN document SET COMPRESSION {method},
                                       ALTER COLUMN fold SET COMPRESSION {method};
        EXCEPTION WHEN feature_not_supported THEN
            RAISE NOTICE 'compression method {method} is not available here: the default is kept';
        END
        $$""")


def upgrade() -> None:
    """Apply this revision."""
    _set_compression('lz4')


def downgrade() -> None:
    """Revert this revision."""
    _set_compression('pglz')
