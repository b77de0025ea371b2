"""A loopback HTTP proxy in front of the emulator that injects faults on purpose.

Usage:
  fault_proxy.py UPSTREAM_PORT ACTION TIMES PORT_FILE
      fails the first TIMES requests whose form body says Action=ACTION with an
      ELBv2-shaped 400 ValidationError (a client error that is never retried).
  fault_proxy.py UPSTREAM_PORT --seeded SEED RATE KINDS LOG_FILE PORT_FILE
      a seeded schedule: each request, in arrival order, draws from random.Random(SEED);
      with probability RATE it gets one fault, chosen uniformly from KINDS (comma-separated,
      or "all"), else it passes. LOG_FILE receives, after every request, a JSON document
      {"requests": n, "counts": {kind: n}, "events": [[kind, action], ...]}.
  fault_proxy.py UPSTREAM_PORT --rate-limit SERVICE CAPACITY REFILL LOG_FILE PORT_FILE
      throttles as AWS does: the Describe* calls of SERVICE (its credential-scope name, such
      as elasticloadbalancing) share one token bucket of CAPACITY tokens, refilled at REFILL
      tokens a second; a call that finds it empty gets the service's throttling error
      (ELBv2: 400 Throttling "Rate exceeded"). LOG_FILE receives, after every such call,
      {"requests": n, "throttled": n}.

Fault kinds:
  throttle      EC2: 503 <Response><Errors><Error><Code>RequestLimitExceeded ...
                ELBv2/STS: 400 <ErrorResponse><Error><Code>Throttling ...
  http500       500 with an XML InternalError in the service's shape
  http503       503 with an XML InternalError in the service's shape
  html502       502 with an HTML page, as a load balancer in the way would send
  truncated     forwarded; the reply promises its full Content-Length, half the bytes
                are sent, then the connection is closed
  reset_before  the connection is reset before anything is forwarded
  reset_after   forwarded (the emulator did the work), then the connection is reset
                without a byte of the reply
  delay         forwarded after 200 ms

The shape of an error follows the service in the request's credential scope
(Authorization: ... Credential=KEY/DATE/REGION/SERVICE/aws4_request).

Every request is otherwise forwarded unchanged to 127.0.0.1:UPSTREAM_PORT
(proxy_support.py). The proxy listens on a free loopback port, writes it to PORT_FILE, and
exits when its parent (the test process) goes away.
"""

import http.server
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid

# No __pycache__ beside the test sources (SwiftPM would list it as an unhandled file).
sys.dont_write_bytecode = True
from proxy_support import HOP_BY_HOP, forward, read_body, serve  # noqa: E402

UPSTREAM_PORT = int(sys.argv[1])
KINDS = ["throttle", "http500", "http503", "html502", "truncated", "reset_before", "reset_after", "delay"]

if sys.argv[2] == "--seeded":
    MODE = "seeded"
    SEED = int(sys.argv[3])
    RATE = float(sys.argv[4])
    ALLOWED = KINDS if sys.argv[5] == "all" else [k for k in sys.argv[5].split(",") if k]
    unknown = [k for k in ALLOWED if k not in KINDS]
    if unknown or not ALLOWED:
        sys.exit("unknown fault kinds: %s" % unknown)
    LOG_FILE = sys.argv[6]
    PORT_FILE = sys.argv[7]
    schedule = random.Random(SEED)
elif sys.argv[2] == "--rate-limit":
    MODE = "rate"
    LIMITED_SERVICE = sys.argv[3]
    CAPACITY = float(sys.argv[4])
    REFILL = float(sys.argv[5])
    LOG_FILE = sys.argv[6]
    PORT_FILE = sys.argv[7]
    bucket = {"tokens": CAPACITY, "at": time.monotonic()}
    limited = {"requests": 0, "throttled": 0}
else:
    MODE = "action"
    ACTION = sys.argv[2]
    TIMES = int(sys.argv[3])
    PORT_FILE = sys.argv[4]

FAULT = (
    b"<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
    b"<Error><Type>Sender</Type><Code>ValidationError</Code><Message>injected</Message></Error>"
    b"<RequestId>x</RequestId></ErrorResponse>"
)
HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>injected</center>\r\n</body>\r\n</html>\r\n"
)

lock = threading.Lock()
injected = 0
requests = 0
counts = {kind: 0 for kind in KINDS}
events = []


def action_of(body):
    actions = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [])
    return actions[0] if actions else ""


def service_of(headers):
    match = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", headers.get("Authorization", ""))
    return match.group(1) if match else ""


def error_body(service, code, message):
    request_id = str(uuid.uuid4()).encode()
    if service == "ec2":
        return (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code
                + b"</Code><Message>" + message + b"</Message></Error></Errors><RequestID>"
                + request_id + b"</RequestID></Response>")
    return (b"<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><Error>"
            b"<Type>Receiver</Type><Code>" + code + b"</Code><Message>" + message + b"</Message></Error>"
            b"<RequestId>" + request_id + b"</RequestId></ErrorResponse>")


def log_state():
    document = {"requests": requests, "counts": counts, "events": events}
    with open(LOG_FILE + ".tmp", "w") as out:
        json.dump(document, out)
    os.replace(LOG_FILE + ".tmp", LOG_FILE)


def take_token():
    """Whether the bucket had a token for this call (and takes it)."""
    now = time.monotonic()
    bucket["tokens"] = min(CAPACITY, bucket["tokens"] + (now - bucket["at"]) * REFILL)
    bucket["at"] = now
    if bucket["tokens"] >= 1:
        bucket["tokens"] -= 1
        return True
    return False


def decide(body, service):
    """The fault for this request, or None; the action mode's, the rate limit's or the
    seeded schedule's."""
    global injected, requests
    action = action_of(body)
    with lock:
        if MODE == "rate":
            if service != LIMITED_SERVICE or not action.startswith("Describe"):
                return None
            limited["requests"] += 1
            throttled = not take_token()
            limited["throttled"] += int(throttled)
            with open(LOG_FILE + ".tmp", "w") as out:
                json.dump(limited, out)
            os.replace(LOG_FILE + ".tmp", LOG_FILE)
            return "throttle" if throttled else None
        if MODE == "action":
            if action == ACTION and injected < TIMES:
                injected += 1
                return "validation"
            return None
        requests += 1
        kind = None
        if schedule.random() < RATE:
            kind = ALLOWED[schedule.randrange(len(ALLOWED))]
            counts[kind] += 1
            events.append([kind, action])
        log_state()
        return kind


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def answer(self, status, headers, body, declared_length=None):
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if declared_length is None else declared_length))
        self.end_headers()
        self.wfile.write(body)

    def reset(self):
        """Closes the connection with a TCP RST: the client sees 'connection reset by peer'."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.connection.close()

    def upstream(self, body):
        return forward(self, UPSTREAM_PORT, body)

    def handle_request(self):
        body = read_body(self)
        service = service_of(self.headers)
        fault = decide(body, service) if self.command == "POST" else None
        xml = [("Content-Type", "text/xml")]
        if fault == "validation":
            self.answer(400, xml, FAULT)
        elif fault == "throttle":
            if service == "ec2":
                self.answer(503, xml, error_body(service, b"RequestLimitExceeded", b"Request limit exceeded."))
            else:
                self.answer(400, xml, error_body(service, b"Throttling", b"Rate exceeded"))
        elif fault in ("http500", "http503"):
            status = 500 if fault == "http500" else 503
            self.answer(status, xml, error_body(service, b"InternalError", b"An internal error has occurred (injected)."))
        elif fault == "html502":
            self.answer(502, [("Content-Type", "text/html")], HTML_502)
        elif fault == "reset_before":
            self.reset()
        elif fault == "reset_after":
            self.upstream(body)
            self.reset()
        elif fault == "truncated":
            status, headers, reply = self.upstream(body)
            self.answer(status, headers, reply[: len(reply) // 2], declared_length=len(reply))
            self.wfile.flush()
            self.close_connection = True
        else:
            if fault == "delay":
                time.sleep(0.2)
            self.answer(*self.upstream(body))

    do_GET = do_POST = do_PUT = do_DELETE = handle_request


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if MODE == "seeded":
        log_state()
    if MODE == "rate":
        with open(LOG_FILE, "w") as out:
            json.dump(limited, out)
    serve(server, PORT_FILE)


if __name__ == "__main__":
    main()
