# An order service that logs with print(), as most small apps do. In a terminal every line shows at once.
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'ok\n' if self.path == '/healthz' else f'order {self.path[1:] or "list"}\n'.encode()
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if self.path != '/healthz':
            print(f'served {self.path}')

    def log_message(self, *args):
        pass  # the app's own print() lines are its log


# A deploy stops the old instance with SIGTERM: exit at once (Python as PID 1 would otherwise ignore it).
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
port = int(os.environ.get('PORT', '8080'))
print(f'orders listening on 0.0.0.0:{port}')
HTTPServer(('0.0.0.0', port), Handler).serve_forever()
