from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _required(value, name):
    if not value:
        raise ImproperlyConfigured(f'{name} is not configured: set the {name} environment variable')
    return value


# The default argument is evaluated when this module is imported: at boot, in every worker.
def charge(amount, key=_required(settings.PAYMENTS_KEY, 'PAYMENTS_KEY')):
    return {'amount': amount, 'key': key[:4]}
