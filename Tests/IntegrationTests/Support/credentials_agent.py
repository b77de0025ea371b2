#!/usr/bin/env python3
"""A fake credentials service on loopback: a container credentials agent (the ECS agent, the
EKS Pod Identity agent) or the IAM Identity Center portal.

    credentials_agent.py HEADER TOKEN BODY_FILE LOG_FILE PORT_FILE

Answers every GET with the contents of BODY_FILE when the HEADER header (Authorization,
x-amz-sso_bearer_token) is TOKEN, and with 401 otherwise. Appends one line per request to
LOG_FILE: the path with its query and whether the token matched ("ok" or "refused"), never
the header itself. A path starting /redirect answers 302 to the same path without that
prefix on this agent, for a client that must not follow it.
"""
import http.server
import sys

# No __pycache__ beside the test sources (SwiftPM would list it as an unhandled file).
sys.dont_write_bytecode = True
from proxy_support import serve  # noqa: E402

HEADER, TOKEN, BODY_FILE, LOG_FILE, PORT_FILE = sys.argv[1:6]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        matched = self.headers.get(HEADER) == TOKEN
        with open(LOG_FILE, "a") as log:
            log.write(f"{self.path} {'ok' if matched else 'refused'}\n")
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}{self.path[len('/redirect'):]}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = open(BODY_FILE, "rb").read() if matched else b'{"message": "bad token"}'
        self.send_response(200 if matched else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    serve(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler), PORT_FILE)
