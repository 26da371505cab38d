"""The in-process transport of heat-all: kombu's memory transport, woken.

kombu's memory transport has no way to wait for a message: its consumers
poll, and oslo.messaging polls ``memory://`` URLs with no pause at all (a
test-suite setting), which keeps a core busy and fights the request
threads for the interpreter.  Here a consumer with nothing to read sleeps
until a message is put on any queue, so an idle heat-all sleeps and a call
crosses at once.
"""

import queue
import threading
import time

from kombu import transport
from kombu.transport import memory

NAME = 'heatmemory'

# Bumped, under the condition, whenever a message is put on any queue.
_arrived = threading.Condition()
_generation = 0


def _announce():
    global _generation
    with _arrived:
        _generation += 1
        _arrived.notify_all()


class Channel(memory.Channel):
    def _put(self, queue, message, **kwargs):
        super()._put(queue, message, **kwargs)
        _announce()

    def _put_fanout(self, exchange, message, routing_key=None, **kwargs):
        super()._put_fanout(exchange, message, routing_key, **kwargs)
        _announce()


class Transport(memory.Transport):
    Channel = Channel

    # An in-process queue has no host.  Given none to default to, kombu does
    # not warn that the URL names none (oslo.messaging warns if it does).
    default_connection_params: dict = {}

    def drain_events(self, connection, timeout=None):
        """Deliver one message, sleeping until one is put if none waits."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with _arrived:
                seen = _generation
            try:
                return self.cycle.get(self._deliver, timeout=timeout)
            except queue.Empty:
                pass
            with _arrived:
                while _generation == seen:
                    remaining = (
                        None
                        if deadline is None
                        else deadline - time.monotonic()
                    )
                    if remaining is not None and remaining <= 0:
                        raise TimeoutError()
                    _arrived.wait(remaining)


def register():
    """Let kombu find this transport by NAME."""
    transport.TRANSPORT_ALIASES.setdefault(NAME, __name__ + ':Transport')
