"""A real keystone on loopback, for tests of keystone signature auth.

Keystone comes from PyPI (tools/keystone-requirements.txt, every package
pinned in tools/keystone-constraints.txt) and is installed once per machine
into a virtualenv of its own, beside a seed state: a migrated, bootstrapped
database with its keys, a service user and test users with EC2 keys.  A run
then costs a few seconds: copy the seed to a temporary directory and serve
it with gunicorn on a free loopback port.
Use the ``keystone`` fixture; when keystone cannot be installed or started
its tests skip, or fail under HEAT_TEST_REQUIRE_SERVICES=1.
"""

import dataclasses
import grp
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
import pytest

from heat.tests import services
from heat.tests import setup_steps

TOOLS = os.path.join(
    os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ),
    'tools',
)
REQUIREMENTS = os.path.join(TOOLS, 'keystone-requirements.txt')
CONSTRAINTS = os.path.join(TOOLS, 'keystone-constraints.txt')


def _read(path):
    with open(path) as f:
        return f.read()


# The pins the virtualenv is made from: a change makes a new one.
MADE_FROM = _read(REQUIREMENTS) + _read(CONSTRAINTS)
VENV = setup_steps.venv_path(
    'keystone-venv', MADE_FROM, os.environ.get('HEAT_TEST_KEYSTONE_VENV')
)
SEED = os.path.join(VENV, 'seed')
# Bump when _make_seed changes, so that installed seeds are made again.
SEED_FORMAT = '1'
ACCOUNTS_FILE = 'accounts.json'
INSTALL_TIMEOUT_SECONDS = 900
MANAGE_TIMEOUT_SECONDS = 120
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10

ADMIN_PASSWORD = 'admin'
SERVICE_USER = 'heat'
SERVICE_PASSWORD = 'heat-service'
SERVICE_PROJECT = 'service'
TEST_USERS = ('demo', 'alt')

# keystone builds its app with oslo.config, which parses sys.argv; under
# gunicorn that argv is gunicorn's own, so clear it before keystone loads.
WSGI_MODULE = 'heat_test_keystone'
WSGI_SOURCE = """import sys
sys.argv = sys.argv[:1]
from keystone.wsgi.api import application
"""

CONFIG = """[DEFAULT]
use_stderr = true

[database]
connection = sqlite:///{state}/keystone.db

[token]
provider = fernet

[fernet_tokens]
key_repository = {state}/fernet-keys

[fernet_receipts]
key_repository = {state}/fernet-keys

[credential]
key_repository = {state}/credential-keys

[identity]
# Cheap password hashes: the tests log in as the service user often.
password_hash_rounds = 4

[cache]
# A cache per gunicorn worker would serve stale answers with more workers.
enabled = false
"""


class KeystoneUnavailable(Exception):
    """Keystone could not be installed or started; the text says why."""


def _run(command, log_path, timeout):
    setup_steps.run_logged(command, log_path, timeout, KeystoneUnavailable)


@dataclasses.dataclass(frozen=True)
class Account:
    """A keystone user with a role on one project, and its EC2 keys."""

    user: str
    password: str
    user_id: str
    project: str
    project_id: str
    access: str | None = None
    secret: str | None = None


def _stamp(name):
    """What the install step ``name`` was made from, or None if not done."""
    try:
        with open(os.path.join(VENV, name + '.stamp')) as f:
            return f.read()
    except OSError:
        return None


def _write_stamp(name, made_from):
    with open(os.path.join(VENV, name + '.stamp'), 'w') as f:
        f.write(made_from)


def ensure_installed():
    """Install keystone and make its seed state, unless already done."""
    with setup_steps.install_lock(VENV):
        log_path = os.path.join(VENV, 'install.log')
        if _stamp('requirements') != MADE_FROM:
            _install(log_path)
        if _stamp('seed') != SEED_FORMAT:
            shutil.rmtree(SEED, ignore_errors=True)
            _make_seed(SEED, log_path)
            _write_stamp('seed', SEED_FORMAT)


def _install(log_path):
    shutil.rmtree(VENV, ignore_errors=True)
    os.makedirs(VENV)
    _run([sys.executable, '-m', 'venv', VENV], log_path, 60)
    _run(
        [
            os.path.join(VENV, 'bin', 'python'),
            '-m',
            'pip',
            'install',
            '-q',
            '-r',
            REQUIREMENTS,
            '-c',
            CONSTRAINTS,
        ],
        log_path,
        INSTALL_TIMEOUT_SECONDS,
    )
    # Stamps are written last: a half-done step is redone next time.
    _write_stamp('requirements', MADE_FROM)


def _make_seed(seed, log_path):
    """Make the state every run starts from: database, keys, accounts."""
    os.makedirs(seed)
    config_file = _write_config(seed)
    manage = [
        os.path.join(VENV, 'bin', 'keystone-manage'),
        '--config-file',
        config_file,
    ]
    owner = [
        '--keystone-user',
        pwd.getpwuid(os.getuid()).pw_name,
        '--keystone-group',
        grp.getgrgid(os.getgid()).gr_name,
    ]
    for command in (
        ['db_sync'],
        ['fernet_setup'] + owner,
        ['credential_setup'] + owner,
        ['bootstrap', '--bootstrap-password', ADMIN_PASSWORD],
    ):
        _run(manage + command, log_path, MANAGE_TIMEOUT_SECONDS)
    process = KeystoneProcess(seed).start()
    try:
        _create_accounts(process.url, seed)
    finally:
        process.stop()
        os.remove(process.log_path)


def _create_accounts(url, state):
    admin = KeystoneAdmin(url)
    service = admin.create_account(
        SERVICE_USER, SERVICE_PASSWORD, SERVICE_PROJECT, 'service'
    )
    users = {
        name: admin.add_ec2_credentials(
            admin.create_account(name, name + '-password', name, 'member')
        )
        for name in TEST_USERS
    }
    with open(os.path.join(state, ACCOUNTS_FILE), 'w') as f:
        json.dump(
            {
                'service': dataclasses.asdict(service),
                'users': {
                    name: dataclasses.asdict(account)
                    for name, account in users.items()
                },
            },
            f,
        )


def _read_accounts(state):
    with open(os.path.join(state, ACCOUNTS_FILE)) as f:
        accounts = json.load(f)
    return (
        Account(**accounts['service']),
        {
            name: Account(**values)
            for name, values in accounts['users'].items()
        },
    )


def _write_config(state):
    config_file = os.path.join(state, 'keystone.conf')
    with open(config_file, 'w') as f:
        f.write(CONFIG.format(state=state))
    return config_file


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class KeystoneProcess:
    """gunicorn serving keystone from one state directory on loopback."""

    def __init__(self, state):
        self.state = state
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d/v3' % self.port
        self.log_path = os.path.join(state, 'keystone.log')
        self._process = None

    def start(self):
        config_file = _write_config(self.state)
        with open(os.path.join(self.state, WSGI_MODULE + '.py'), 'w') as f:
            f.write(WSGI_SOURCE)
        env = dict(
            os.environ,
            OS_KEYSTONE_CONFIG_DIR=self.state,
            OS_KEYSTONE_CONFIG_FILES=os.path.basename(config_file),
        )
        with open(self.log_path, 'wb') as log:
            self._process = subprocess.Popen(
                [
                    os.path.join(VENV, 'bin', 'gunicorn'),
                    # One worker: tests call keystone one request at a time,
                    # and each worker loads all of keystone at start.
                    '--bind',
                    '127.0.0.1:%d' % self.port,
                    '--workers',
                    '1',
                    # Workers take seconds to exit after their last request;
                    # a test keystone has no request worth waiting for.
                    '--graceful-timeout',
                    '1',
                    # gunicorn's control socket is one path per user.
                    '--no-control-socket',
                    '--pythonpath',
                    self.state,
                    WSGI_MODULE + ':application',
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        try:
            self._wait_until_answering()
        except KeystoneUnavailable:
            self.stop()
            raise
        return self

    def _wait_until_answering(self):
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise KeystoneUnavailable(
                    'keystone exited at start:\n'
                    + setup_steps.tail(self.log_path)
                )
            try:
                # Bounded: gunicorn accepts connections even while its
                # workers fail to load keystone.
                with urllib.request.urlopen(self.url, timeout=5):
                    return
            except OSError:
                time.sleep(0.2)
        raise KeystoneUnavailable(
            'keystone did not answer within %ds:\n%s'
            % (START_TIMEOUT_SECONDS, setup_steps.tail(self.log_path))
        )

    def stop(self):
        if self._process is None:
            return
        self._process.terminate()  # gunicorn stops its workers too
        try:
            self._process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


@dataclasses.dataclass
class KeystoneServer:
    """A running keystone with a service user and EC2 users (``users``)."""

    process: KeystoneProcess
    service: Account
    users: dict

    @property
    def url(self):
        return self.process.url

    def admin(self):
        """An admin client, for tests that change keystone's state."""
        return KeystoneAdmin(self.url)

    def auth_options(self):
        """[auth] options that make Heat use this keystone for signatures."""
        return {
            'backend': 'keystone',
            'keystone_url': self.url,
            'service_username': self.service.user,
            'service_password': self.service.password,
            'service_project_name': self.service.project,
            'service_user_domain_name': 'Default',
            'service_project_domain_name': 'Default',
        }

    def stop(self):
        self.process.stop()
        shutil.rmtree(self.process.state, ignore_errors=True)


def start_keystone():
    """Serve a copy of the seed state; stop() removes the copy."""
    ensure_installed()
    state = tempfile.mkdtemp(prefix='heat-test-keystone-')
    try:
        shutil.copytree(SEED, state, dirs_exist_ok=True)
        service, users = _read_accounts(state)
        return KeystoneServer(KeystoneProcess(state).start(), service, users)
    except BaseException:
        shutil.rmtree(state, ignore_errors=True)
        raise


class KeystoneAdmin:
    """The few identity admin calls that set up test accounts."""

    def __init__(self, url):
        self.url = url
        auth = v3.Password(
            auth_url=url,
            username='admin',
            password=ADMIN_PASSWORD,
            project_name='admin',
            user_domain_id='default',
            project_domain_id='default',
        )
        self._session = ks_session.Session(auth=auth, timeout=30)

    def _call(self, method, path, body=None):
        response = self._session.request(self.url + path, method, json=body)
        return response.json() if response.content else None

    def create_account(self, user, password, project, role):
        project_id = self._call(
            'POST',
            '/projects',
            {'project': {'name': project, 'domain_id': 'default'}},
        )['project']['id']
        user_id = self._call(
            'POST',
            '/users',
            {
                'user': {
                    'name': user,
                    'password': password,
                    'domain_id': 'default',
                    'default_project_id': project_id,
                }
            },
        )['user']['id']
        role_id = self._call('GET', '/roles?name=' + role)['roles'][0]['id']
        self._call(
            'PUT',
            '/projects/%s/users/%s/roles/%s' % (project_id, user_id, role_id),
        )
        return Account(user, password, user_id, project, project_id)

    def add_ec2_credentials(self, account):
        credential = self._call(
            'POST',
            '/users/%s/credentials/OS-EC2' % account.user_id,
            {'tenant_id': account.project_id},
        )['credential']
        return dataclasses.replace(
            account, access=credential['access'], secret=credential['secret']
        )

    def validate_token(self, token):
        """The token's body, as keystone answers a validation."""
        return self._session.get(
            self.url + '/auth/tokens', headers={'X-Subject-Token': token}
        ).json()

    def revoke_token(self, token):
        self._session.delete(
            self.url + '/auth/tokens', headers={'X-Subject-Token': token}
        )


@pytest.fixture(scope='session')
def keystone():
    """A running keystone (a KeystoneServer) for the whole test session."""
    try:
        server = start_keystone()
    except (
        KeystoneUnavailable,
        ks_exceptions.ClientException,
        OSError,
    ) as exc:
        services.unavailable('keystone', str(exc))
    yield server
    server.stop()
