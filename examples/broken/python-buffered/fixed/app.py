# Prints one line per order, the way many small apps "log". Fine in a terminal (a TTY is line-buffered).
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Orders(BaseHTTPRequestHandler):
    def do_GET(self):
        print(f"order processed: {self.path}")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args):
        pass  # the app's own print() is its log


# PID 1 gets no default SIGTERM handling: exit on it, so a deploy does not wait out the grace period.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Orders).serve_forever()
