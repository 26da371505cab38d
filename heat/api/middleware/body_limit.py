"""Refuses request bodies larger than [heat_api] max_body_size (HTTP 413).

Content-Length is checked up front; a body without one (chunked) is
counted while it is read, so no layer ever buffers more than the limit.
"""

from heat.common import config
from heat.common import exception

CONF = config.CONF


class LimitedInput:
    """A wsgi.input that raises RequestEntityTooLarge past limit bytes."""

    def __init__(self, stream, limit):
        self._stream = stream
        self._limit = limit
        self._count = 0

    def _counted(self, data):
        self._count += len(data)
        if self._count > self._limit:
            raise exception.RequestEntityTooLarge(limit=self._limit)
        return data

    def _bounded(self, size):
        # Never ask for more than one byte past the limit.
        room = self._limit - self._count + 1
        return room if size is None or size < 0 else min(size, room)

    def read(self, size=-1):
        return self._counted(self._stream.read(self._bounded(size)))

    def readline(self, size=-1):
        return self._counted(self._stream.readline(self._bounded(size)))

    def readlines(self, hint=-1):
        return list(iter(self.readline, b''))

    def __iter__(self):
        return iter(self.readline, b'')


class BodyLimit:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        limit = CONF.heat_api.max_body_size
        length = environ.get('CONTENT_LENGTH')
        if not length:
            # The server stops a body at its Content-Length; one without
            # (chunked) has to be counted.
            environ['wsgi.input'] = LimitedInput(environ['wsgi.input'], limit)
        elif not length.isdigit():
            raise exception.ValidationError(
                'Content-Length is not a number of bytes.'
            )
        elif int(length) > limit:
            raise exception.RequestEntityTooLarge(limit=limit)
        return self.app(environ, start_response)


def filter_factory(global_conf, **local_conf):
    return BodyLimit
