"""Parsed templates of stored stacks, kept for the describes.

Clients waiting for a stack describe it many times a second, and reading
its template, decoding and checking it cost more than the rest of a
describe.  A stored template never changes: an update stores a new one
and points the stack at it.  Its row goes only with the last stack using
it (purge), after which SQLite may give its id to a new template, so an
entry is keyed by the stack's id as well as the template's: a purged
stack is never described again.
"""

import collections
import threading

from heat.db import api as db_api
from heat.engine import template as template_mod

# Large templates parse to a few hundred KiB each: keep the memory bounded.
SIZE = 32

_lock = threading.Lock()
_templates: collections.OrderedDict[tuple[str, int], template_mod.Template] = (
    collections.OrderedDict()
)


def stored(row):
    """The parsed template of a stored stack (a heat.db.models.Stack)."""
    key = (row.id, row.raw_template_id)
    with _lock:
        template = _templates.get(key)
        if template is not None:
            _templates.move_to_end(key)
            return template
    template = template_mod.Template(
        db_api.raw_template_get(row.raw_template_id)
    )
    with _lock:
        _templates[key] = template
        while len(_templates) > SIZE:
            _templates.popitem(last=False)
    return template
