"""A loopback HTTP proxy in front of the emulator that fails one AWS action on purpose.

Usage: fault_proxy.py UPSTREAM_PORT ACTION TIMES PORT_FILE

Every request is forwarded to 127.0.0.1:UPSTREAM_PORT with its body and headers unchanged,
the Host header included: the emulator checks the SigV4 signature against the Host it
receives, which is the one the client signed. The first TIMES requests whose form body
says Action=ACTION are answered here instead, with an ELBv2-shaped 400 ValidationError,
the kind of client error that is never retried. The proxy listens on a free loopback
port, writes it to PORT_FILE, and exits when its parent (the test process) goes away.
"""

import http.client
import http.server
import os
import signal
import sys
import threading
import time
import urllib.parse

UPSTREAM_PORT = int(sys.argv[1])
ACTION = sys.argv[2]
TIMES = int(sys.argv[3])
PORT_FILE = sys.argv[4]

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}
FAULT = (
    b"<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
    b"<Error><Type>Sender</Type><Code>ValidationError</Code><Message>injected</Message></Error>"
    b"<RequestId>x</RequestId></ErrorResponse>"
)

lock = threading.Lock()
injected = 0


def should_fail(body):
    global injected
    actions = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [])
    with lock:
        if ACTION in actions and injected < TIMES:
            injected += 1
            return True
    return False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def forward(self):
        body = self.read_body()
        if self.command == "POST" and should_fail(body):
            self.answer(400, [("Content-Type", "text/xml")], FAULT)
            return
        upstream = http.client.HTTPConnection("127.0.0.1", UPSTREAM_PORT, timeout=60)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    upstream.putheader(name, value)
            upstream.putheader("Content-Length", str(len(body)))
            upstream.endheaders(body)
            response = upstream.getresponse()
            self.answer(response.status, response.getheaders(), response.read())
        finally:
            upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = forward


def exit_with_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def main():
    # Foundation's Process starts children with the test thread's signals blocked: unblock
    # them so that the test's SIGTERM stops this proxy.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    with open(PORT_FILE + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    os.rename(PORT_FILE + ".tmp", PORT_FILE)
    server.serve_forever()


if __name__ == "__main__":
    main()
