"""When a sandbox object that is being built becomes ready."""

import datetime

from heat.common import config
from heat.db.types import utcnow


def settling(transient, settled):
    """Columns for an object that is `transient` until build_seconds pass."""
    delay = datetime.timedelta(seconds=config.CONF.sandbox.build_seconds)
    return {
        'status': transient,
        'settled_status': settled,
        'settles_at': utcnow() + delay,
    }
