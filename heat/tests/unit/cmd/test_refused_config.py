"""A configuration that cannot work stops each service at start: exit
status 1 and one line on stderr, before anything listens."""

import os
import pathlib
import subprocess
import sys

import pytest

import heat

REPO = pathlib.Path(heat.__file__).resolve().parent.parent


def start(module, conf_text, tmp_path):
    conf_file = tmp_path / 'heat.conf'
    conf_file.write_text(
        '[DEFAULT]\nstate_path = %s\n%s' % (tmp_path, conf_text)
    )
    # Libraries' import-time warnings are not the service's output.
    env = dict(os.environ, PYTHONPATH=str(REPO))
    # A service that wrongly starts would run until the timeout: the
    # test then fails instead of hanging.
    return subprocess.run(
        [
            sys.executable,
            '-c',
            'import sys; from heat.cmd.%s import main; '
            'sys.exit(main())' % module,
            '--config-file',
            str(conf_file),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    'module, prog',
    [('all', 'heat-all'), ('api', 'heat-api'), ('engine', 'heat-engine')],
)
def test_openstack_cloud_with_local_auth_is_refused(module, prog, tmp_path):
    result = start(module, '[clients]\nbackend = openstack\n', tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        '%s: error: [clients] backend = openstack needs [auth] backend = '
        'keystone: with local signature checks no request carries a '
        'keystone token to act on the cloud with.\n' % prog
    )


def test_keystone_without_its_url_is_refused(tmp_path):
    result = start('all', '[auth]\nbackend = keystone\n', tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        'heat-all: error: [auth] backend = keystone needs [auth] '
        'keystone_url, e.g. http://keystone.example.org:5000/v3.\n'
    )


def test_missing_config_file_is_one_line(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            '-c',
            'import sys; from heat.cmd.api import main; sys.exit(main())',
            '--config-file',
            str(tmp_path / 'none.conf'),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert result.returncode == 1
    assert result.stderr.startswith('heat-api: error: ')
    assert str(tmp_path / 'none.conf') in result.stderr
    assert len(result.stderr.splitlines()) == 1
