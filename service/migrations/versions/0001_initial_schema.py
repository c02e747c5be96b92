"""initial schema

Revision ID: 0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=150), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_username_failed_at', ['username', 'failed_at'], unique=False)

    op.create_table('providers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_providers')),
    sa.UniqueConstraint('name', name=op.f('uq_providers_name'))
    )
    op.create_table('episodes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('person_ref', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_episodes_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_episodes'))
    )
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_episodes_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_episodes_status'), ['status'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('username', sa.String(length=150), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_users_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_provider_id'), ['provider_id'], unique=False)

    op.create_table('access_tokens',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_access_tokens_token_hash'))
    )
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('episode_flags',
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('flag', sa.String(length=30), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('person_ref', sa.String(length=64), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('acknowledged', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_episode_flags_episode_id_episodes')),
    sa.PrimaryKeyConstraint('episode_id', 'flag', name=op.f('pk_episode_flags'))
    )
    with op.batch_alter_table('episode_flags', schema=None) as batch_op:
        batch_op.create_index('ix_episode_flags_provider_flag', ['provider_id', 'flag'], unique=False)

    op.create_table('episode_states',
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('projected_version', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('person_ref', sa.String(length=64), nullable=False),
    sa.Column('age_at_referral', sa.Integer(), nullable=False),
    sa.Column('referral_source', sa.String(length=30), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('planned_end_on', sa.Date(), nullable=False),
    sa.Column('hospital_discharge_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('length_of_stay_days', sa.Integer(), nullable=True),
    sa.Column('start_need_hours_per_week', sa.Float(), nullable=False),
    sa.Column('end_need_hours_per_week', sa.Float(), nullable=True),
    sa.Column('outcome', sa.String(length=60), nullable=True),
    sa.Column('follow_up_eligible', sa.Boolean(), nullable=False),
    sa.Column('follow_up_status', sa.String(length=20), nullable=True),
    sa.Column('follow_up_assessed_on', sa.Date(), nullable=True),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('contact_minutes', sa.Integer(), nullable=False),
    sa.Column('last_visit_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('gas_t_score', sa.Float(), nullable=True),
    sa.Column('active_goals', sa.Integer(), nullable=False),
    sa.Column('achieved_goals', sa.Integer(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_episode_states_episode_id_episodes')),
    sa.PrimaryKeyConstraint('episode_id', name=op.f('pk_episode_states'))
    )
    with op.batch_alter_table('episode_states', schema=None) as batch_op:
        batch_op.create_index('ix_episode_states_discharge_provider', ['hospital_discharge_on', 'provider_id'], unique=False)
        batch_op.create_index('ix_episode_states_ended_on_provider', ['ended_on', 'provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_episode_states_provider_id'), ['provider_id'], unique=False)

    op.create_table('episode_workers',
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('worker_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_episode_workers_episode_id_episodes')),
    sa.ForeignKeyConstraint(['worker_id'], ['users.id'], name=op.f('fk_episode_workers_worker_id_users')),
    sa.PrimaryKeyConstraint('episode_id', 'worker_id', name=op.f('pk_episode_workers'))
    )
    with op.batch_alter_table('episode_workers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_episode_workers_worker_id'), ['worker_id'], unique=False)

    op.create_table('events',
    sa.Column('sequence', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_events_episode_id_episodes')),
    sa.PrimaryKeyConstraint('sequence', name=op.f('pk_events')),
    sa.UniqueConstraint('episode_id', 'version', name='uq_events_episode_version'),
    sa.UniqueConstraint('id', name=op.f('uq_events_id')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_events_idempotency_key'))
    )
    _create_append_only_guard()


PG_GUARD = """
CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();
"""

SQLITE_GUARD = (
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END",
)


def _create_append_only_guard() -> None:
    """Triggers refusing UPDATE and DELETE of events; on PostgreSQL also the sequence."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE event_sequence AS bigint")
        op.execute(PG_GUARD)
    else:
        for statement in SQLITE_GUARD:
            op.execute(statement)


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER events_no_truncate ON events")
        op.execute("DROP TRIGGER events_append_only ON events")
        op.execute("DROP FUNCTION refuse_event_change()")
        op.execute("DROP SEQUENCE event_sequence")

    op.drop_table('events')
    op.drop_table('episode_workers')
    with op.batch_alter_table('episode_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_episode_states_provider_id'))
        batch_op.drop_index('ix_episode_states_ended_on_provider')
        batch_op.drop_index('ix_episode_states_discharge_provider')

    op.drop_table('episode_states')
    with op.batch_alter_table('episode_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_episode_flags_provider_flag')

    op.drop_table('episode_flags')
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_tokens_user_id'))

    op.drop_table('access_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_provider_id'))

    op.drop_table('users')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_episodes_status'))
        batch_op.drop_index(batch_op.f('ix_episodes_provider_id'))

    op.drop_table('episodes')
    op.drop_table('providers')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_username_failed_at')

    op.drop_table('login_failures')

