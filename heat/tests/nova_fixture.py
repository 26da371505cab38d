"""A real nova on loopback, for tests of the OpenStack client plugins.

Nova (API, conductor, scheduler, a compute with nova's fake virt driver and
placement, all in one process, plus a minimal Cinder v3 volume API) comes
from the shared nova harness beside the project (``../shared/harness/nova``):
its requirements are installed once per machine into a virtualenv of their
own, and each test session starts the harness's process from that
virtualenv on a free loopback port.  There is no keystone: a token
``<user>:<project>`` is the identity.  Use the ``nova`` fixture; when nova
cannot be installed or started its tests skip, or fail under
HEAT_TEST_REQUIRE_SERVICES=1.
"""

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

from heat.tests import services
from heat.tests import setup_steps

REPO = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)
HARNESS = os.environ.get('HEAT_TEST_NOVA_HARNESS') or os.path.join(
    os.path.dirname(REPO), 'shared', 'harness', 'nova'
)
INSTALL_TIMEOUT_SECONDS = 900
START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 10

# The project nova's test fixtures own their networks and volumes under.
PROJECT_ID = '6f70656e737461636b20342065766572'
READY_LINE = 'NOVA_HARNESS_READY'


class NovaUnavailable(Exception):
    """Nova could not be installed or started; the text says why."""


def _run(command, log_path, timeout):
    setup_steps.run_logged(command, log_path, timeout, NovaUnavailable)


def _harness_file(name):
    return os.path.join(HARNESS, name)


def _wanted():
    """What the virtualenv is made from: the harness's pinned requirements."""
    parts = []
    for name in ('requirements.txt', 'constraints.txt'):
        with open(_harness_file(name)) as f:
            parts.append(f.read())
    return '\n'.join(parts)


def _venv():
    try:
        wanted = _wanted()
    except OSError:
        wanted = ''  # no harness: ensure_installed says so, installs none
    return setup_steps.venv_path(
        'nova-venv', wanted, os.environ.get('HEAT_TEST_NOVA_VENV')
    )


VENV = _venv()


def _stamp_path():
    return os.path.join(VENV, 'requirements.stamp')


def ensure_installed():
    """Install the harness's requirements, unless already done.

    Returns the seconds spent installing (0 when the virtualenv was ready).
    """
    if not os.path.isfile(_harness_file('nova_harness.py')):
        raise NovaUnavailable('no nova harness at %s' % HARNESS)
    wanted = _wanted()
    with setup_steps.install_lock(VENV):
        try:
            with open(_stamp_path()) as f:
                if f.read() == wanted:
                    return 0.0
        except OSError:
            pass
        started = time.monotonic()
        _install(wanted)
        return time.monotonic() - started


def _install(wanted):
    shutil.rmtree(VENV, ignore_errors=True)
    os.makedirs(VENV)
    log_path = os.path.join(VENV, 'install.log')
    pip = [os.path.join(VENV, 'bin', 'python'), '-m', 'pip', 'install', '-q']
    _run([sys.executable, '-m', 'venv', VENV], log_path, 60)
    _run(pip + ['-U', 'pip', 'setuptools', 'wheel'], log_path, 300)
    _run(
        pip
        + [
            '-r',
            _harness_file('requirements.txt'),
            '-c',
            _harness_file('constraints.txt'),
        ],
        log_path,
        INSTALL_TIMEOUT_SECONDS,
    )
    # Written last: a half-done install is redone next time.
    with open(_stamp_path(), 'w') as f:
        f.write(wanted)


@dataclasses.dataclass
class NovaServer:
    """A running nova: its compute and volume endpoints, images and network."""

    url: str
    images: tuple
    network_id: str
    start_seconds: float
    install_seconds: float
    _process: subprocess.Popen
    _state: str

    @property
    def volume_url(self):
        return self.url.rsplit('/v2.1', 1)[0] + '/volume/v3/' + PROJECT_ID

    @property
    def token(self):
        return 'admin:' + PROJECT_ID

    def log(self):
        return setup_steps.tail(os.path.join(self._state, 'nova.log'), 60)

    def stop(self):
        # SIGTERM: the harness cleans its services up and exits.
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self._state, ignore_errors=True)


def _parse_ready(line):
    """The key=value fields of the harness's ready line."""
    return dict(
        field.split('=', 1) for field in line.split()[1:] if '=' in field
    )


def start_nova():
    install_seconds = ensure_installed()
    state = tempfile.mkdtemp(prefix='heat-test-nova-')
    os.makedirs(os.path.join(state, 'db'))
    os.makedirs(os.path.join(state, 'tmp'))
    stdout_path = os.path.join(state, 'stdout.log')
    ready_path = os.path.join(state, 'url')
    started = time.monotonic()
    with open(stdout_path, 'wb') as stdout:
        process = subprocess.Popen(
            [
                os.path.join(VENV, 'bin', 'python'),
                _harness_file('nova_harness.py'),
                '--host',
                '127.0.0.1',
                '--port',
                '0',
                '--log-file',
                os.path.join(state, 'nova.log'),
                '--ready-file',
                ready_path,
                '--state-dir',
                os.path.join(state, 'db'),
            ],
            stdout=stdout,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(os.environ, TMPDIR=os.path.join(state, 'tmp')),
        )
    try:
        ready = _wait_until_answering(process, stdout_path, ready_path)
    except NovaUnavailable:
        process.kill()
        process.wait()
        shutil.rmtree(state, ignore_errors=True)
        raise
    return NovaServer(
        url=ready['url'],
        images=tuple(ready['images'].split(',')),
        network_id=ready['network'],
        start_seconds=time.monotonic() - started,
        install_seconds=install_seconds,
        _process=process,
        _state=state,
    )


def _ready_line(stdout_path):
    with open(stdout_path, errors='replace') as f:
        for line in f:
            if line.startswith(READY_LINE):
                return line
    return None


def _wait_until_answering(process, stdout_path, ready_path):
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NovaUnavailable(
                'nova exited at start:\n' + setup_steps.tail(stdout_path)
            )
        line = os.path.exists(ready_path) and _ready_line(stdout_path)
        if line:
            ready = _parse_ready(line)
            try:
                with urllib.request.urlopen(ready['url'], timeout=5):
                    return ready
            except OSError:
                pass
        time.sleep(0.2)
    raise NovaUnavailable(
        'nova did not start within %ds:\n%s'
        % (START_TIMEOUT_SECONDS, setup_steps.tail(stdout_path))
    )


@pytest.fixture(scope='session')
def nova():
    """A running nova (a NovaServer) for the whole test session."""
    try:
        server = start_nova()
    except (NovaUnavailable, OSError) as exc:
        services.unavailable('nova', str(exc))
    yield server
    server.stop()
