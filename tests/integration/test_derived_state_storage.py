"""How derived state is stored on PostgreSQL: lz4-compressed documents and folds (migration 0009)."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def test_derived_documents_and_folds_are_compressed_with_lz4(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            methods = dict(connection.execute(text(
                "SELECT attname, attcompression FROM pg_attribute "
                "WHERE attrelid = 'episode_states'::regclass AND attname IN ('document', 'fold')")).all())
    finally:
        engine.dispose()
    assert methods == {"document": "l", "fold": "l"}
