"""What every long-running Heat process does at start and at stop."""

import contextlib
import gc
import signal
import sys
import threading

from oslo_config import cfg

from heat.common import config
from heat.common import config_check
from heat.common import log


def start(prog, argv):
    with failures_in_one_line(prog):
        config.parse_args(
            argv if argv is not None else sys.argv[1:], prog=prog
        )
    reason = config_check.refusal()
    if reason is not None:
        sys.exit('%s: error: %s' % (prog, reason))
    log.setup()


@contextlib.contextmanager
def failures_in_one_line(prog):
    """Exit with one line on stderr for what keeps prog from starting.

    A missing or malformed config file, or an address already in use, is
    the user's to fix: say so as argparse does for a bad option, without a
    traceback that would bury it.
    """
    try:
        yield
    except (cfg.Error, OSError) as exc:
        sys.exit('%s: error: %s' % (prog, exc))


def wait_for_stop_signal():
    """Block until SIGTERM or SIGINT."""
    # What start-up made lives as long as the process: keep the collector
    # from scanning it again on every full collection, whose cost would
    # otherwise grow with every library and option loaded.
    gc.freeze()
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    while not stopped.wait(3600):
        continue
