#!/usr/bin/env python3
"""A fake container credentials agent (the ECS agent, the EKS Pod Identity agent) on loopback.

    credentials_agent.py CREDENTIALS_JSON TOKEN LOG_FILE PORT_FILE

Answers every GET with the contents of CREDENTIALS_JSON when the Authorization header is
TOKEN, and with 401 otherwise. Appends one line per request to LOG_FILE: the path and
whether the token matched ("ok" or "refused"), never the header itself.
"""
import http.server
import sys

# No __pycache__ beside the test sources (SwiftPM would list it as an unhandled file).
sys.dont_write_bytecode = True
from proxy_support import serve  # noqa: E402

CREDENTIALS, TOKEN, LOG_FILE, PORT_FILE = sys.argv[1:5]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        matched = self.headers.get("Authorization") == TOKEN
        with open(LOG_FILE, "a") as log:
            log.write(f"{self.path} {'ok' if matched else 'refused'}\n")
        body = open(CREDENTIALS, "rb").read() if matched else b'{"message": "bad token"}'
        self.send_response(200 if matched else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    serve(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler), PORT_FILE)
