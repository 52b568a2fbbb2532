import os

SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'dev-only')
DEBUG = False
ALLOWED_HOSTS = ['*']
ROOT_URLCONF = 'shopsite.urls'
INSTALLED_APPS = ['shop']
MIDDLEWARE = []
DATABASES = {}
PAYMENTS_KEY = os.environ.get('PAYMENTS_KEY')
