"""Trigram indexes for the register's text search, on PostgreSQL only.

The search is a case-insensitive substring match (`icontains`), which PostgreSQL
runs as UPPER(column) LIKE UPPER('%words%'). A plain index cannot serve a pattern
that starts with a wildcard, so at a hundred times the plan every search read every
commitment (benchmarks/). A GIN index of trigrams on the same UPPER(column) can,
and keeps the match exactly what it was: full-text search would have changed which
commitments a search finds (whole words, stemming). SQLite has no such index and
needs none at the sizes it serves.

pg_trgm ships with PostgreSQL and is a trusted extension, so the database's owner
can create it without being a superuser.
"""

from django.db import migrations

INDEXES = {
    "commitment_text_trgm": "UPPER(text) gin_trgm_ops",
    "commitment_wmp_lead_trgm": "UPPER(wmp_lead) gin_trgm_ops",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON commitments_commitment USING gin ({expression})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_register_count_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
