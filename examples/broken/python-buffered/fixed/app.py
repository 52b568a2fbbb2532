# Prints one line per order, the way many small apps "log". Fine in a terminal (a TTY is line-buffered).
import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class Orders(BaseHTTPRequestHandler):
    def do_GET(self):
        print(f"order processed: {self.path}")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args):
        pass  # the app's own print() is its log


HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Orders).serve_forever()
