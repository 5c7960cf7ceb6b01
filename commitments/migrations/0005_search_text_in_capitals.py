"""The commitment's text in capitals, as a stored generated column, and the register
search's trigram index on it (PostgreSQL only) in place of the one on UPPER(text).

Both indexes serve the same search; the new one lets PostgreSQL recheck each matching
row against text already in capitals instead of capitalising it again (at 100 times the
plan, a common word's 16,000 matches took 80 ms to count, now about 30).
"""

import django.db.models.functions.text
from django.db import migrations, models


def use_search_text(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS commitment_text_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS commitment_search_text_trgm "
        "ON commitments_commitment USING gin (search_text gin_trgm_ops)"
    )


def use_upper_text(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS commitment_search_text_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS commitment_text_trgm ON commitments_commitment USING gin (UPPER(text) gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0004_register_version")]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper("text"),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(use_search_text, use_upper_text, elidable=False),
    ]
