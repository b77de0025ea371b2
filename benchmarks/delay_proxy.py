#!/usr/bin/env python3
"""A loopback HTTP proxy that adds a fixed delay to every call and records its timing.

    delay_proxy.py LISTEN_PORT UPSTREAM_PORT DELAY_MS

Forwards each request unchanged (method, path, headers including Host, body) to
127.0.0.1:UPSTREAM_PORT, waits DELAY_MS, then replies. This stands in for the round trip
from a CI runner to an AWS region, so that rounds of calls and their parallelism decide
the wall time as they do against real AWS.

Keeps client connections alive (the clients reuse them, as they do with AWS) and opens one
upstream connection per request (moto's server closes them anyway).

Control endpoint, never forwarded:
    GET /__proxy/calls   the calls recorded since the last fetch, as JSON, and clears them:
                         [{"start": s, "end": s, "target": "ec2 DescribeVpcs"}, ...]
Times are time.monotonic() seconds: request fully read, reply fully written.
"""
import asyncio
import json
import re
import sys
import time

calls = []


async def read_message(reader):
    """One HTTP/1.1 message head and body; None at a clean end of the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    body = b""
    lowered = {name.lower(): value for name, value in headers}
    if lowered.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(chunks)
        headers = [(n, v) for n, v in headers if n.lower() != "transfer-encoding"]
        headers.append(("Content-Length", str(len(body))))
    elif "content-length" in lowered:
        body = await reader.readexactly(int(lowered["content-length"]))
    return lines[0], headers, body


def action_of(headers, body):
    """`service Action` from the SigV4 credential scope and the Query API body."""
    auth = dict((n.lower(), v) for n, v in headers).get("authorization", "")
    scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
    action = re.search(rb"(?:^|&)Action=([^&]+)", body)
    return f"{scope.group(1) if scope else '?'} {action.group(1).decode() if action else '?'}"


async def forward(upstream_port, request_line, headers, body):
    reader, writer = await asyncio.open_connection("127.0.0.1", upstream_port)
    try:
        out = [request_line]
        for name, value in headers:
            if name.lower() not in ("connection", "keep-alive", "proxy-connection"):
                out.append(f"{name}: {value}")
        out.append("Connection: close")
        writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        status_line, response_headers, response_body = await read_message(reader)
        if not any(n.lower() == "content-length" for n, _ in response_headers):
            response_body += await reader.read()
            response_headers.append(("Content-Length", str(len(response_body))))
        return status_line, response_headers, response_body
    finally:
        writer.close()


async def serve(reader, writer, upstream_port, delay):
    try:
        while True:
            try:
                request_line, headers, body = await read_message(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            start = time.monotonic()
            if request_line.startswith("GET /__proxy/calls"):
                recorded = calls[:]
                calls.clear()
                status_line, response_headers = "HTTP/1.1 200 OK", [("Content-Type", "application/json")]
                response_body = json.dumps(recorded).encode()
                response_headers.append(("Content-Length", str(len(response_body))))
                record = None
            else:
                status_line, response_headers, response_body = await forward(upstream_port, request_line, headers, body)
                await asyncio.sleep(delay)
                record = {"start": start, "target": action_of(headers, body)}
            kept = [(n, v) for n, v in response_headers if n.lower() not in ("connection", "keep-alive")]
            head = "\r\n".join([status_line] + [f"{n}: {v}" for n, v in kept] + ["Connection: keep-alive"])
            writer.write(head.encode("latin-1") + b"\r\n\r\n" + response_body)
            await writer.drain()
            if record is not None:
                record["end"] = time.monotonic()
                calls.append(record)
    finally:
        writer.close()


async def main():
    listen_port, upstream_port, delay_ms = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    server = await asyncio.start_server(
        lambda r, w: serve(r, w, upstream_port, delay_ms / 1000), "127.0.0.1", listen_port, backlog=512)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
