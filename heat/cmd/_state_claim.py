"""heat-all's claim on its state directory, held as long as it runs.

heat-all keeps its database there, and its engine fails the operations of
any engine of this host that does not answer on its in-process transport:
a second heat-all on the same directory would take the first, still
running, for dead.  An advisory lock on a file in the directory keeps the
second out before it touches anything; the system drops the lock when the
process ends, however it ends, so the file never holds a stale claim.
"""

import fcntl
import os

CLAIM_FILE = 'heat-all.lock'


class StateDirectoryInUse(OSError):
    """Another heat-all holds the claim."""


def claim(state_path):
    """Hold the directory for this process: keep the returned file open.

    Raises StateDirectoryInUse, naming the directory, when another process
    holds it.
    """
    fd = os.open(os.path.join(state_path, CLAIM_FILE), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StateDirectoryInUse(
            'another heat-all uses the state directory %s '
            '([DEFAULT] state_path)' % state_path
        ) from None
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, 'r+')
