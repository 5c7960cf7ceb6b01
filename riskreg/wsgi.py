import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskreg.settings")

application = get_wsgi_application()

# Every page would fail without its CSS and JavaScript: refuse to start instead (gunicorn
# and runserver both load this module).
from riskreg.checks import refuse_to_serve_without_static_files  # noqa: E402

refuse_to_serve_without_static_files()
