"""Every console script speaks only in Heat's own lines.

A user's terminal should show what Heat says (help, a one-line error, its
log lines, its banner) and nothing from the libraries underneath: a
library's warning at start buries the one line that matters.
"""

import importlib.metadata
import os
import socket
import subprocess

import pytest

from heat.cmd import all as all_cmd
from heat.tests.functional import server

SCRIPTS = sorted(
    entry.name
    for entry in importlib.metadata.entry_points(group='console_scripts')
    if entry.value.startswith('heat.')
)

MISSING_CONFIG = '/nonexistent/heat.conf'

# Each script's typical mistake, and the start of the one line it answers.
TYPICAL_ERRORS = {
    'heat-all': (['--config-file', MISSING_CONFIG], 'heat-all: error: '),
    'heat-api': (['--config-file', MISSING_CONFIG], 'heat-api: error: '),
    'heat-engine': (['--config-file', MISSING_CONFIG], 'heat-engine: error: '),
    'heat-manage': (
        ['--config-file', MISSING_CONFIG, 'db_version'],
        'heat-manage: error: ',
    ),
    'heat-cfn': (['describe', 'demo'], 'ERROR: no credentials'),
}


def run(script, *args):
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith('AWS_')
    }
    return subprocess.run(
        [os.path.join(server.BIN_DIR, script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        stdin=subprocess.DEVNULL,
    )


def test_every_script_has_a_typical_error():
    assert SCRIPTS == sorted(TYPICAL_ERRORS)


@pytest.mark.parametrize('script', SCRIPTS)
def test_help_is_heats_alone(script):
    result = run(script, '--help')
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('usage: %s ' % script)
    assert result.stderr == ''


@pytest.mark.parametrize('script', SCRIPTS)
def test_a_typical_error_is_one_line(script):
    args, first_words = TYPICAL_ERRORS[script]
    result = run(script, *args)
    assert result.returncode != 0
    assert result.stdout == ''
    assert result.stderr.startswith(first_words), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_heat_all_starts_and_stops_in_its_own_words():
    running = server.HeatServer()
    try:
        running.start(with_credentials=False)
        credentials = run(
            'heat-manage',
            '--config-file',
            running.config_file,
            'credentials',
            'create',
            '--tenant',
            'demo',
        )
    finally:
        running.stop()
    assert credentials.returncode == 0 and credentials.stderr == ''
    lines = running.log().splitlines()
    # heat-all's stdout is its banner (sandbox backend), the rest log lines.
    start = lines.index(
        next(line for line in lines if line.startswith('Heat is serving'))
    )
    banner_length = len((all_cmd.WELCOME + all_cmd.SANDBOX).splitlines())
    del lines[start : start + banner_length]
    assert server.foreign_lines('\n'.join(lines)) == [], running.log()
    assert 'Upgrading the database schema from nothing' in running.log()


def test_a_second_heat_all_on_a_taken_port_stops_before_its_engine():
    running = server.HeatServer()
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', running.port))
        taken.listen()
        result = run('heat-all', '--config-file', running.config_file)
    assert result.returncode == 1
    assert result.stdout == ''
    error = result.stderr.splitlines()[-1]
    assert error == (
        'heat-all: error: cannot listen on 127.0.0.1:%d '
        '([heat_api] bind_host and bind_port): Address already '
        'in use' % running.port
    )
    assert (
        server.foreign_lines('\n'.join(result.stderr.splitlines()[:-1])) == []
    )
    assert 'serving topic' not in result.stderr
