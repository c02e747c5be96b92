"""a stream head's identity never changes: triggers refuse UPDATE of episodes.id, provider_id, opened_at

Revision ID: 0004
Revises: 0005

Events were already append-only; their stream head (`episodes`) was not protected, so
`UPDATE episodes SET provider_id = ...` moved an episode and its whole history to another
provider's managers without any bypass. A trigger now refuses any change to the columns
that identify a stream and its owner. (A superuser who disables triggers can still edit
them; `flask events verify` then reports the head that no longer matches its EpisodeOpened.)
"""

from alembic import op


revision = '0004'
down_revision = '0005'
branch_labels = None
depends_on = None

IMMUTABLE = ("id", "provider_id", "opened_at")
MESSAGE = "episodes.id, provider_id and opened_at never change"

PG_GUARD = f"""
CREATE FUNCTION refuse_episode_identity_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.provider_id IS DISTINCT FROM OLD.provider_id
       OR NEW.opened_at IS DISTINCT FROM OLD.opened_at THEN
        RAISE EXCEPTION '{MESSAGE}: UPDATE of episode % refused', OLD.id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER episodes_identity_immutable BEFORE UPDATE ON episodes
    FOR EACH ROW EXECUTE FUNCTION refuse_episode_identity_change();
"""

SQLITE_GUARD = (
    "CREATE TRIGGER episodes_identity_immutable BEFORE UPDATE OF id, provider_id, opened_at ON episodes "
    "WHEN NEW.id IS NOT OLD.id OR NEW.provider_id IS NOT OLD.provider_id OR NEW.opened_at IS NOT OLD.opened_at "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END"
)


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)
    else:
        op.execute(SQLITE_GUARD)


def downgrade() -> None:
    """Revert this revision."""
    op.execute("DROP TRIGGER episodes_identity_immutable" +
               (" ON episodes" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION refuse_episode_identity_change()")
