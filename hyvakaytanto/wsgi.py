"""The WSGI application that gunicorn serves.

Once Django has loaded its apps and its URLs, nearly every object in the process lives as long
as the process. ``gc.freeze()`` moves them out of the garbage collector's reach: otherwise each
of its full passes scans them all again, about 80 ms every 1,500 requests or so in a worker,
and every request queued behind that worker waits the pause out. Frozen, a full pass takes
about 8 ms (bench/README.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hyvakaytanto.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - loads the URLconf now, so that it is frozen too
gc.collect()  # nothing left over from starting up is frozen for good
gc.freeze()
