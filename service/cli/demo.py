"""`flask demo seed`: load a synthetic demo cohort through the service's own commands."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from service.database import db
from service.demo.catalogue import ACCOUNTS, DEMO_PASSWORD, PROVIDERS
from service.demo.cohort import build_cohort
from service.demo.loader import DemoAccounts, demo_data_present, load_cohort, provider_counts
from service.domain.calendar import today_london
from service.domain.errors import DomainError

demo_cli = AppGroup("demo", help="Synthetic demo data (never in production).")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing if any provider already exists.")
@click.option("--episodes", type=click.IntRange(min=2, max=20_000), default=300, show_default=True,
              help="How many episodes to generate, split between the two providers.")
@click.option("--seed", type=int, default=2026, show_default=True,
              help="Random seed: the same seed (on the same day) gives the same cohort.")
def seed_command(if_empty: bool, episodes: int, seed: int) -> None:
    """Load two providers, demo users (printed with their password) and a year of episodes."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("Refusing to load demo data with ENV=production.")
    with db.transaction() as session:
        present = demo_data_present(session)
    if present and if_empty:
        click.echo("demo seed: the database already has providers; nothing loaded.")
        return
    started = time.perf_counter()
    today = today_london()
    plans = build_cohort(episodes, seed, today)
    try:
        accounts = load_cohort(plans, DEMO_PASSWORD, today)
    except DomainError as error:
        raise click.ClickException(f"demo data cannot be loaded ({error.field}: {error.message}); "
                                   "use an empty database or --if-empty.") from error
    echo_summary(accounts, time.perf_counter() - started, seed)


def echo_summary(accounts: DemoAccounts, seconds: float, seed: int) -> None:
    """Print what was loaded and the demo accounts with their password."""
    click.echo(f"Loaded the demo cohort (seed {seed}) in {seconds:.1f}s.\n")
    total_episodes = total_events = 0
    with db.transaction() as session:
        for profile in PROVIDERS:
            counts = provider_counts(session, accounts.providers[profile.key])
            total_episodes += counts.open_episodes + counts.closed_episodes
            total_events += counts.events
            flags = ", ".join(f"{flag} {number}" for flag, number in counts.flags.items()) or "none"
            click.echo(f"{counts.name} ({profile.kind}, id {accounts.providers[profile.key].id}): "
                       f"{counts.open_episodes} open + {counts.closed_episodes} closed episodes, "
                       f"{counts.events} events; flags: {flags}")
    click.echo(f"Total: {total_episodes} episodes, {total_events} events.\n")
    click.echo(f"Demo accounts (every one has the password {DEMO_PASSWORD}):")
    click.echo(f"  {'username':<22} {'role':<13} {'provider':<24} password")
    names = {profile.key: profile.name for profile in PROVIDERS}
    for username, role, key in ACCOUNTS:
        click.echo(f"  {username:<22} {role:<13} {names[key] if key else '-':<24} {DEMO_PASSWORD}")
