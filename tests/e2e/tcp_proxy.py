"""A TCP proxy on a loopback port in front of PostgreSQL, to cut the database off and
bring it back: `down()` closes the listening socket and every open connection, so
new connections are refused and old ones break; `up()` listens again on the same
port. `upstream_ports()` names the proxy's own connections to the server, so a test
can terminate exactly those backends and no one else's."""

from __future__ import annotations

import selectors
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._pairs: dict[socket.socket, socket.socket] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._clients: set[socket.socket] = set()

    def up(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._stop.clear()
        self._listener = listener
        self._thread = threading.Thread(target=self._run, args=(listener,), daemon=True)
        self._thread.start()

    def down(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def upstream_ports(self) -> list[int]:
        with self._lock:
            return [self._pairs[c].getsockname()[1] for c in self._clients if c in self._pairs]

    def _run(self, listener: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ)
        try:
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.05):
                    sock = key.fileobj
                    if sock is listener:
                        self._accept(listener, selector)
                    else:
                        self._pump(sock, selector)  # type: ignore[arg-type]
        finally:
            for sock in list(self._pairs):
                self._close(sock, selector)
            selector.close()
            listener.close()

    def _accept(self, listener: socket.socket, selector: selectors.BaseSelector) -> None:
        try:
            client, _ = listener.accept()
        except BlockingIOError:
            return
        try:
            server = socket.create_connection(self.target, timeout=3)
        except OSError:
            client.close()
            return
        for sock in (client, server):
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        with self._lock:
            self._pairs[client] = server
            self._pairs[server] = client
            self._clients.add(client)

    def _pump(self, sock: socket.socket, selector: selectors.BaseSelector) -> None:
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        peer = self._pairs.get(sock)
        if not data or peer is None:
            self._close(sock, selector)
            return
        try:
            peer.setblocking(True)
            peer.sendall(data)
            peer.setblocking(False)
        except OSError:
            self._close(sock, selector)

    def _close(self, sock: socket.socket, selector: selectors.BaseSelector) -> None:
        with self._lock:
            peer = self._pairs.pop(sock, None)
            if peer is not None:
                self._pairs.pop(peer, None)
            self._clients.discard(sock)
            if peer is not None:
                self._clients.discard(peer)
        for s in (sock, peer):
            if s is None:
                continue
            try:
                selector.unregister(s)
            except (KeyError, ValueError):
                pass
            s.close()
