"""A Django app configured for production behind App Platform's edge, in one file: settings, views, WSGI.

It trusts only its own domain (ALLOWED_HOSTS), redirects HTTP to HTTPS (SECURE_SSL_REDIRECT), sends its
session and CSRF cookies over HTTPS only, and checks the CSRF origin. It believes a request came over HTTPS
only when SECURE_PROXY_SSL_HEADER says which header to read: without it, behind a TLS-terminating edge, every
request looks like HTTP and is redirected to HTTPS forever.
"""
import os

import django
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.html import escape

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = [os.environ["DJANGO_ALLOWED_HOSTS"]]
ROOT_URLCONF = __name__
INSTALLED_APPS = []
DATABASES = {}
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Django 4.0 and later want the scheme; Debian 12's Django 3.2 wants the bare host.
CSRF_TRUSTED_ORIGINS = [os.environ["APP_URL"] if django.VERSION >= (4, 0) else os.environ["APP_DOMAIN"]]
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = tuple(os.environ["SECURE_PROXY_SSL_HEADER"].split(","))

PAGE = '<!doctype html><meta charset="utf-8"><title>{title}</title><h1>{title}</h1>{body}'


def login(request):
    if request.method == "POST":
        if request.POST.get("password") == os.environ["SHOP_PASSWORD"]:
            request.session["user"] = request.POST.get("username", "")
            return HttpResponseRedirect("/account")
        return HttpResponse(PAGE.format(title="Wrong password", body=""), status=403)
    form = (
        '<form method="post" action="/login">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
        '<input name="username" placeholder="user"> <input name="password" type="password">'
        ' <button type="submit">Sign in</button></form>'
    )
    return HttpResponse(PAGE.format(title="Sign in", body=form))


def account(request):
    user = request.session.get("user")
    if not user:
        return HttpResponseRedirect("/login")
    return HttpResponse(PAGE.format(title=f"Signed in as {escape(user)}", body=f"<p>{request.build_absolute_uri()}</p>"))


urlpatterns = [path("login", login), path("account", account)]
application = get_wsgi_application()
