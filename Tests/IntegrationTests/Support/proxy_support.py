"""What the test proxies (fault_proxy.py, kill_proxy.py) share: reading a request's body,
forwarding it unchanged to the emulator, and living exactly as long as the test process.

Requests go to 127.0.0.1:UPSTREAM with their body and headers unchanged, the Host header
included: the emulator checks the SigV4 signature against the Host it receives, which is
the one the client signed.
"""

import http.client
import os
import signal
import threading
import time

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


def read_body(handler):
    """The request body of a BaseHTTPRequestHandler, chunked or with a Content-Length."""
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


def forward(handler, upstream_port, body):
    """Sends the handler's request with `body` upstream; returns (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
    try:
        connection.putrequest(handler.command, handler.path, skip_host=True, skip_accept_encoding=True)
        for name, value in handler.headers.items():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def serve(server, port_file):
    """Writes the server's port to `port_file` (atomically) and serves until the parent, the
    test process, goes away."""
    # Foundation's Process starts children with the test thread's signals blocked: unblock
    # them so that the test's SIGTERM stops the proxy.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parent = os.getppid()

    def exit_with_parent():
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    with open(port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
