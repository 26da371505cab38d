"""heat-manage, run as a process against a SQLite file in tmp_path."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

import heat
from heat.cmd import manage

REPO = pathlib.Path(heat.__file__).resolve().parent.parent
SAMPLE = REPO / 'etc' / 'heat' / 'heat.conf.sample'


@pytest.fixture
def conf_file(tmp_path):
    path = tmp_path / 'heat.conf'
    path.write_text('[DEFAULT]\nstate_path = %s\n' % (tmp_path / 'state'))
    return path


def heat_manage(*args, conf_file=None):
    argv = [sys.executable, '-m', 'heat.cmd.manage']
    if conf_file is not None:
        argv += ['--config-file', str(conf_file)]
    # Libraries' import-time warnings are not heat-manage's output.
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        argv + list(args), capture_output=True, text=True, env=env, timeout=60
    )


def ok(*args, conf_file=None):
    result = heat_manage(*args, conf_file=conf_file)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_db_sync_is_idempotent_and_versioned(conf_file, tmp_path):
    assert ok('db_version', conf_file=conf_file).strip() == 'base'
    ok('db_sync', conf_file=conf_file)
    ok('db_sync', conf_file=conf_file)
    assert ok('db_version', conf_file=conf_file).strip() == '0006'
    assert (tmp_path / 'state' / 'heat.sqlite').exists()


@pytest.mark.slow
def test_credentials_create_list_delete(conf_file):
    ok('db_sync', conf_file=conf_file)
    out = ok(
        'credentials',
        'create',
        '--tenant',
        'demo',
        '--user',
        'alice',
        conf_file=conf_file,
    )
    lines = out.splitlines()
    assert len(lines) == 1
    created = json.loads(lines[0])
    assert set(created) == {'access', 'secret', 'tenant', 'user'}
    assert (created['tenant'], created['user']) == ('demo', 'alice')
    assert len(created['access']) == 20 and len(created['secret']) == 40
    ok('credentials', 'create', '--tenant', 'other', conf_file=conf_file)

    listed = [
        json.loads(line)
        for line in ok(
            'credentials', 'list', '--tenant', 'demo', conf_file=conf_file
        ).splitlines()
    ]
    assert [c['access'] for c in listed] == [created['access']]
    assert 'secret' not in listed[0]
    everything = ok('credentials', 'list', conf_file=conf_file)
    assert len(everything.splitlines()) == 2
    assert created['secret'] not in everything

    ok('credentials', 'delete', created['access'], conf_file=conf_file)
    failed = heat_manage(
        'credentials', 'delete', created['access'], conf_file=conf_file
    )
    assert failed.returncode == 1
    assert created['access'] in failed.stderr


def test_config_file_may_follow_the_command(conf_file):
    result = heat_manage('db_version', '--config-file', str(conf_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'base'


def test_purge_deleted(conf_file):
    ok('db_sync', conf_file=conf_file)
    result = heat_manage(
        'purge_deleted', '3', '--granularity', 'hours', conf_file=conf_file
    )
    assert result.returncode == 0, result.stderr
    assert 'Purged 0' in result.stderr


def test_errors_are_one_line_without_traceback(conf_file):
    result = heat_manage(
        'credentials', 'delete', 'AKNOSUCHKEY', conf_file=conf_file
    )
    assert result.returncode == 1
    assert result.stderr == (
        'heat-manage: error: No credential with access key AKNOSUCHKEY.\n'
    )

    result = heat_manage('db_version', conf_file='/no/such/heat.conf')
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr


@pytest.mark.slow
def test_fresh_state_directory_gets_the_embedded_schema(conf_file, tmp_path):
    # What a newcomer types before heat-all has ever run.
    created = json.loads(
        ok('credentials', 'create', '--tenant', 'demo', conf_file=conf_file)
    )
    listed = json.loads(ok('credentials', 'list', conf_file=conf_file))
    assert listed['access'] == created['access']
    assert ok('db_version', conf_file=conf_file).strip() == '0006'
    assert (tmp_path / 'state' / 'heat.sqlite').exists()


def test_sandbox_show_on_a_fresh_state_directory(conf_file):
    shown = json.loads(ok('sandbox', 'show', conf_file=conf_file))
    assert shown['servers'] == [] and shown['volumes'] == []


def configured_database(tmp_path, url):
    path = tmp_path / 'configured.conf'
    path.write_text(
        '[DEFAULT]\nstate_path = %s\n[database]\n'
        'connection = %s\n' % (tmp_path / 'state', url)
    )
    return path


def test_configured_database_is_left_to_db_sync(tmp_path):
    database = tmp_path / 'configured.sqlite'
    conf = configured_database(tmp_path, 'sqlite:///%s' % database)
    result = heat_manage('credentials', 'list', conf_file=conf)
    assert result.returncode == 1
    assert result.stderr == (
        'heat-manage: error: The database schema is not current: run '
        '"heat-manage --config-file %s db_sync" first.\n' % conf
    )
    # Refused before anything was written to it.
    assert ok('db_version', conf_file=conf).strip() == 'base'

    ok('db_sync', conf_file=conf)
    assert ok('credentials', 'list', conf_file=conf) == ''


def test_unreachable_database_is_one_line(tmp_path):
    conf = configured_database(
        tmp_path, 'sqlite:///%s' % (tmp_path / 'no' / 'dir' / 'x.sqlite')
    )
    result = heat_manage('credentials', 'list', conf_file=conf)
    assert result.returncode == 1
    assert result.stderr.startswith('heat-manage: error: Database error: ')
    assert len(result.stderr.splitlines()) == 1


def test_config_options_move_before_the_command():
    assert manage.global_options_first(
        ['db_sync', '--config-file', 'a', '--config-dir=d']
    ) == ['--config-file', 'a', '--config-dir=d', 'db_sync']


def test_committed_config_sample_is_current(tmp_path):
    fresh = tmp_path / 'heat.conf.sample'
    ok('config-sample', '--output-file', str(fresh))
    assert SAMPLE.exists() and SAMPLE.read_text() == fresh.read_text(), (
        'etc/heat/heat.conf.sample is stale: run `heat-manage config-sample '
        '--output-file etc/heat/heat.conf.sample`'
    )


@pytest.mark.slow
def test_credentials_for_a_shell_export_a_working_pair(conf_file):
    exports = ok(
        'credentials',
        'create',
        '--tenant',
        'demo',
        '--shell',
        conf_file=conf_file,
    )
    shown = subprocess.run(
        [
            'bash',
            '-c',
            'eval "$1"; echo "$AWS_ACCESS_KEY_ID '
            '$AWS_SECRET_ACCESS_KEY $AWS_DEFAULT_REGION"',
            'bash',
            exports,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout
    access, secret, region = shown.split()
    listed = json.loads(ok('credentials', 'list', conf_file=conf_file))
    assert (listed['access'], listed['tenant']) == (access, 'demo')
    assert len(secret) == 40 and region == 'RegionOne'
