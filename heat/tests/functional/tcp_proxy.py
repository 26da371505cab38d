"""A TCP proxy on loopback that a test can cut and restore.

It stands between Heat and a shared service (RabbitMQ), so a test can
make the service unreachable for Heat alone: cutting closes the listener
and every connection, as a broker that went away would; restoring listens
again on the same port.  Every thread it starts ends when it is cut or
closed.
"""

import contextlib
import select
import socket
import threading

POLL_SECONDS = 0.1
CHUNK = 65536
JOIN_SECONDS = 10


class TcpProxy:
    """Forwards connections on 127.0.0.1:port to target (host, port)."""

    def __init__(self, target):
        self._target = target
        self.port = 0  # the first listener picks one; later ones reuse it
        self._lock = threading.RLock()  # _forward starts a thread holding it
        self._listener = None
        self._sockets = set()
        self._threads = []

    def open(self):
        """Listen (again) and forward what connects."""
        listener = socket.socket()
        # Connections closed by a cut leave the port in TIME_WAIT.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('127.0.0.1', self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
        self._start(self._accept, listener)
        return self

    def cut(self):
        """Stop listening and close every connection, both sides."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
        for sock in ([listener] if listener else []) + list(sockets):
            _close(sock)
        self._join()

    def _start(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _join(self):
        with self._lock:
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(JOIN_SECONDS)
            assert not thread.is_alive(), 'proxy thread did not stop'

    def _serving(self, listener):
        with self._lock:
            return self._listener is listener

    def _accept(self, listener):
        while self._serving(listener):
            with contextlib.suppress(OSError, ValueError):
                ready, _, _ = select.select([listener], [], [], POLL_SECONDS)
                if ready:
                    client, _ = listener.accept()
                    self._forward(client)

    def _forward(self, client):
        try:
            upstream = socket.create_connection(self._target, timeout=5)
        except OSError:
            _close(client)
            return
        with self._lock:
            if self._listener is None:  # cut meanwhile
                _close(client)
                _close(upstream)
                return
            self._sockets.update((client, upstream))
            self._start(self._pump, client, upstream)

    def _pump(self, client, upstream):
        """Copy bytes both ways until either side closes."""
        peers = {client: upstream, upstream: client}
        try:
            while True:
                ready, _, _ = select.select(list(peers), [], [], POLL_SECONDS)
                for sock in ready:
                    data = sock.recv(CHUNK)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):
            return  # a side closed, or the proxy was cut
        finally:
            with self._lock:
                self._sockets.discard(client)
                self._sockets.discard(upstream)
            _close(client)
            _close(upstream)


def _close(sock):
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
