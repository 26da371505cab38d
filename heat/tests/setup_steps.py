"""Steps the fixtures that install real services (keystone, nova) share."""

import contextlib
import fcntl
import hashlib
import os
import subprocess

import platformdirs


def tail(path, lines=30):
    """The last lines of a log, for an error message."""
    try:
        with open(path, errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError:
        return ''


def run_logged(command, log_path, timeout, error):
    """Run a setup command, its output to log_path; raise error on failure."""
    with open(log_path, 'ab') as log:
        try:
            subprocess.run(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise error(
                '%s failed: %s\n%s'
                % (os.path.basename(command[0]), exc, tail(log_path))
            ) from exc


def venv_path(name, made_from, override=None):
    """Where the virtualenv made from the text made_from lives: override
    if given, else one directory per made_from in Heat's cache.

    Checkouts with different pins share the cache; were they to share one
    directory, each would remove and rebuild it under the other's running
    tests.
    """
    if override:
        return override
    digest = hashlib.sha256(made_from.encode()).hexdigest()[:12]
    return os.path.join(
        platformdirs.user_cache_dir('heat'), '%s-%s' % (name, digest)
    )


@contextlib.contextmanager
def install_lock(venv):
    """Parallel test workers share one virtualenv: one installs, the rest
    wait."""
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    with open(venv + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
