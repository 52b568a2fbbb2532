import time

def app(environ, start_response):
    path = environ.get('PATH_INFO', '/')
    if environ.get('REQUEST_METHOD') == 'POST':
        environ['wsgi.input'].read(int(environ.get('CONTENT_LENGTH') or 0))  # a sync worker reads the whole body
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'ok\n' if path == '/healthz' else f'served {path}\n'.encode()]
