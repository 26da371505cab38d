"""A real heat-all process on loopback, for tests that drive it with
clients."""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

# What a Heat process logs: its own loggers, below WARNING when all is well.
HEAT_LOG_LINE = re.compile(
    r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO) heat(\.[\w.]+)? '
)


def foreign_lines(log):
    """The lines of a Heat process's log that Heat did not write, or
    wrote as a warning."""
    return [line for line in log.splitlines() if not HEAT_LOG_LINE.match(line)]


BIN_DIR = os.path.dirname(sys.executable)
START_TIMEOUT_SECONDS = 60


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class HeatServer:
    """heat-all (or another Heat service) with its own state directory,
    config file and credentials."""

    def __init__(self, extra_config='', command='heat-all'):
        self.command = command
        self.state_path = tempfile.mkdtemp(prefix='heat-test-')
        self.port = free_port()
        self.endpoint = 'http://127.0.0.1:%d/v1/' % self.port
        self.bin_dir = BIN_DIR
        self.config_file = os.path.join(self.state_path, 'heat.conf')
        with open(self.config_file, 'w') as f:
            f.write(
                '[DEFAULT]\nstate_path = %s\n'
                '[heat_api]\nbind_host = 127.0.0.1\nbind_port = %d\n%s'
                % (self.state_path, self.port, extra_config)
            )
        self.log_path = os.path.join(self.state_path, 'heat-all.log')
        self._process = None
        self.tenant = 'tenant-a'
        self.access = self.secret = None

    def start(self, with_credentials=True):
        log = open(self.log_path, 'wb')
        self._process = subprocess.Popen(
            self.command_line(),
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_healthy()
        if with_credentials:
            self.access, self.secret = self.new_credentials(self.tenant)
        return self

    def command_line(self):
        """The program and its arguments."""
        return [
            os.path.join(BIN_DIR, self.command),
            '--config-file',
            self.config_file,
        ]

    def environment(self):
        """The process's environment: None inherits the test's."""
        return None

    def _wait_until_healthy(self):
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        url = 'http://127.0.0.1:%d/healthcheck' % self.port
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    '%s exited at start:\n%s' % (self.command, self.log())
                )
            try:
                with urllib.request.urlopen(url, timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(
            '%s did not answer within %ds:\n%s'
            % (self.command, START_TIMEOUT_SECONDS, self.log())
        )

    def manage(self, *args):
        output = subprocess.run(
            [
                os.path.join(BIN_DIR, 'heat-manage'),
                '--config-file',
                self.config_file,
            ]
            + list(args),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return output

    def new_credentials(self, tenant):
        creds = json.loads(
            self.manage('credentials', 'create', '--tenant', tenant)
        )
        return creds['access'], creds['secret']

    @property
    def process_id(self):
        return self._process.pid

    def log(self):
        with open(self.log_path, errors='replace') as f:
            return f.read()

    def stop(self):
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
