"""Time the imports and the backup commands against one database, with their peak memory.

Each job runs in a Python process of its own (`python -m benchmarks.commands JOB`), so its
peak resident memory is its own: the figure includes Django and the app loaded (about
75 MB). Run by benchmarks.run once per scale after the pages, with the same environment
as benchmarks.measure; BENCH_ONLY filters the jobs by name as it filters the pages.

The jobs that change the register do it in a transaction they roll back, so every job
sees the data make_synthetic built. import_register restores into a fresh database of
its own (<database>_restore), made and dropped here.
"""

import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

# (name, what the job does)
JOBS = {
    "import: 10-row dry run": "A 10-row commitments file changing each row's text, previewed (nothing written).",
    "import: 10,000 changed rows": "A 10,000-row file changing each row's text, previewed and applied (rolled back).",
    "import: the register's download back": "The whole register's CSV download, imported back: no changes.",
    "export_register": "The whole register and its history to a JSON file.",
    "import_register": "That file restored into an empty, migrated database.",
}
BACKUP = Path(tempfile.gettempdir()) / "riskreg-bench-backup.json"
# The file an import job reads, made by a process of its own (`--file JOB`): the job's
# peak memory is then the import's, not that of the download the file is made from.
UPLOAD = Path(tempfile.gettempdir()) / "riskreg-bench-import.csv"
# (rows of the register's download, texts changed) per import job
FILES = {
    "import: 10-row dry run": (10, True),
    "import: 10,000 changed rows": (10_000, True),
    "import: the register's download back": (None, False),
}


class RolledBack(Exception):
    pass


def _register_file(rows: int | None, change: bool) -> tuple[str, bytes]:
    """The register's CSV download (of its first `rows` commitments), texts changed or not."""
    from django.test import Client

    from riskreg.models import User

    client = Client()
    client.force_login(User.objects.get(username="synthetic-admin-0001"))
    download = client.get("/commitments/download.csv")
    assert download.status_code == 200, download.status_code
    if rows is None and not change:
        return "register.csv", download.content
    from riskreg.exports import csv_bytes

    header, *body = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"), newline="")))
    body = body[:rows]
    text = header.index("Individual Commitment")
    for row in body:
        row[text] += " (changed)"
    return "register.csv", csv_bytes(header, body)


def run_job(name: str) -> dict:
    from django.core.management import call_command
    from django.db import transaction

    from commitments.importing import plan_import
    from commitments.services import commitments_import_apply

    # The file is read before the clock starts: the job is the import, not the reading.
    if name in FILES:
        filename, content = "register.csv", UPLOAD.read_bytes()
    started = time.perf_counter()
    figures = {}
    if name.startswith("import:"):
        result = plan_import(filename, content)
        assert result.is_valid, result.errors[:3]
        figures["rows"] = result.rows_read
        figures["changed"] = len(result.changes)
        if name == "import: 10,000 changed rows":
            try:
                with transaction.atomic():
                    commitments_import_apply(result=result, by=None)
                    raise RolledBack
            except RolledBack:
                pass
    elif name == "export_register":
        call_command("export_register", str(BACKUP), stderr=io.StringIO())
        figures["bytes"] = BACKUP.stat().st_size
    elif name == "import_register":
        call_command("import_register", str(BACKUP), stderr=io.StringIO())
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"job": name, "seconds": round(seconds, 1), "peak_mb": round(peak_mb), **figures}


def measure_all(env: dict, database: str, only: list[str]) -> list[dict]:
    """Every job (or those named in `only`) against the database in `env`, each in its own process."""
    from benchmarks.run import PG, run

    results = []
    for name in JOBS:
        if only and not any(word in name for word in only):
            continue
        job_env = env
        if name == "import_register":
            restore = f"{database}_restore"
            run(["dropdb", *PG, "--if-exists", restore], capture_output=True)
            run(["createdb", *PG, restore])
            job_env = {**env, "DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + restore}
            run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=job_env)
        if name in FILES:
            run([sys.executable, "-m", "benchmarks.commands", "--file", name], env=job_env)
        out = run([sys.executable, "-m", "benchmarks.commands", name], env=job_env, stdout=subprocess.PIPE, text=True)
        figures = json.loads(out.stdout)
        print(f"  {name:<38} {figures['seconds']:>9.1f} s {figures['peak_mb']:>6} MB", file=sys.stderr)
        results.append(figures)
        if name == "import_register":
            run(["dropdb", *PG, "--if-exists", restore], capture_output=True)
        UPLOAD.unlink(missing_ok=True)
    return results


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    django.setup()
    if sys.argv[1] == "--file":
        UPLOAD.write_bytes(_register_file(*FILES[sys.argv[2]])[1])
        return
    json.dump(run_job(sys.argv[1]), sys.stdout)


if __name__ == "__main__":
    main()
