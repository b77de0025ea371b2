"""A loopback HTTP proxy in front of the emulator that stops answering after K calls.

Usage: kill_proxy.py UPSTREAM_PORT STATE_DIR FREEZE_AFTER DELAY_MS

Every request is forwarded unchanged to 127.0.0.1:UPSTREAM_PORT (proxy_support.py). The first
FREEZE_AFTER answers go back to the client (each held DELAY_MS first); every later request
is still forwarded, so it reaches the emulator and takes effect, but its answer is held
forever: the client is left exactly where a SIGKILL "after call K" should find it.
FREEZE_AFTER < 0 never freezes (a counting or delaying proxy). With UPSTREAM_PORT 0 nothing
is forwarded (every request gets a 502): a recorder that only counts connections.

STATE_DIR/port gets the listening port; STATE_DIR/state is rewritten atomically on every
change as "connections requests answered held upstream_in_flight"; STATE_DIR/bodies gets
each request's form body on a line of its own (form bodies have no raw newline).
The proxy exits when its parent (the test process) goes away.
"""

import http.server
import os
import sys
import threading
import time

# No __pycache__ beside the test sources (SwiftPM would list it as an unhandled file).
sys.dont_write_bytecode = True
from proxy_support import HOP_BY_HOP, forward, read_body, serve  # noqa: E402

UPSTREAM_PORT = int(sys.argv[1])
STATE_DIR = sys.argv[2]
FREEZE_AFTER = int(sys.argv[3])
DELAY = int(sys.argv[4]) / 1000.0

lock = threading.Lock()
counts = {"connections": 0, "requests": 0, "answering": 0, "answered": 0, "held": 0, "in_flight": 0}
never = threading.Event()


def bump(**changes):
    with lock:
        for key, delta in changes.items():
            counts[key] += delta
        line = " ".join(str(counts[k]) for k in ("connections", "requests", "answered", "held", "in_flight"))
        path = os.path.join(STATE_DIR, "state")
        with open(path + ".tmp", "w") as out:
            out.write(line)
        os.rename(path + ".tmp", path)


def may_answer():
    """Reserves an answer slot, or says that this answer is to be held forever."""
    with lock:
        if 0 <= FREEZE_AFTER <= counts["answering"]:
            return False
        counts["answering"] += 1
        return True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        bump(connections=1)

    def log_message(self, *_):
        pass

    def upstream(self, body):
        if UPSTREAM_PORT == 0:
            return 502, [("Content-Type", "text/plain")], b"no upstream"
        bump(in_flight=1)
        try:
            return forward(self, UPSTREAM_PORT, body)
        finally:
            bump(in_flight=-1)

    def handle_request(self):
        request = read_body(self)
        with lock:
            with open(os.path.join(STATE_DIR, "bodies"), "ab") as out:
                out.write(request.replace(b"\n", b"%0A") + b"\n")
            # The path too, in the same order: a test that shares the machine with others
            # tells its own requests by a path of its own (a port can be reused by them).
            with open(os.path.join(STATE_DIR, "paths"), "ab") as out:
                out.write(self.path.encode("utf-8", "replace").replace(b"\n", b"%0A") + b"\n")
        bump(requests=1)
        status, headers, body = self.upstream(request)
        if not may_answer():
            bump(held=1)
            never.wait()
        if DELAY > 0:
            time.sleep(DELAY)
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        bump(answered=1)

    do_GET = do_POST = do_PUT = do_DELETE = handle_request


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client killed mid-answer is what this proxy is for, not an error worth a traceback.
        pass


def main():
    server = Server(("127.0.0.1", 0), Handler)
    bump()
    serve(server, os.path.join(STATE_DIR, "port"))


if __name__ == "__main__":
    main()
