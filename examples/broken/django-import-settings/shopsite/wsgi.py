import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shopsite.settings')
application = get_wsgi_application()

import shop.payments  # noqa: E402,F401  warm the payment client at boot
