import os

from django.conf import settings
from django.http import JsonResponse
from django.urls import path


def env(request):
    collected = settings.BASE_DIR / "staticfiles" / "site.css"
    return JsonResponse(
        {
            "collected": collected.exists(),
            "PYTHONUNBUFFERED": os.environ.get("PYTHONUNBUFFERED"),
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY"),
            "cwd": os.getcwd(),
        }
    )


urlpatterns = [path("", env)]
