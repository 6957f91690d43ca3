import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the worker: moving it out of
# the collector's reach keeps the full collections that land in the middle of a request short.
gc.collect()
gc.freeze()
