"""heat-manage sandbox show, run as a process against a SQLite file."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

import heat
from heat.common import config
from heat.common import context
from heat.db import connection
from heat.db import migration
from heat.engine import clients

REPO = pathlib.Path(heat.__file__).resolve().parent.parent


@pytest.fixture
def state(tmp_path):
    """A migrated database and a config file that points at it."""
    conf_file = tmp_path / 'heat.conf'
    conf_file.write_text('[DEFAULT]\nstate_path = %s\n' % tmp_path)
    url = 'sqlite:///%s' % (tmp_path / 'heat.sqlite')
    migration.upgrade(url)
    config.CONF.set_override('state_path', str(tmp_path))
    config.CONF.set_override('build_seconds', 0, group='sandbox')
    connection.configure(url)
    yield conf_file
    connection.get_engine().dispose()
    config.CONF.clear_override('state_path')
    config.CONF.clear_override('build_seconds', group='sandbox')


def show(conf_file, *args):
    result = subprocess.run(
        [
            sys.executable,
            '-m',
            'heat.cmd.manage',
            '--config-file',
            str(conf_file),
            'sandbox',
            'show',
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_show_prints_one_json_object_of_everything(state):
    cloud = clients.for_context(context.RequestContext(tenant='demo'))
    server = cloud.compute.create_server(
        'web', 'F17-x86_64-cfntools', 'm1.small'
    )
    volume = cloud.volume.create_volume(1, name='data')
    fip = cloud.network.allocate_floating_ip()
    group = cloud.network.create_security_group('web', 'HTTP')
    other = clients.for_context(context.RequestContext(tenant='other'))
    other.volume.create_volume(2, name='theirs')

    shown = show(state)
    # The server's build time has passed: show stores and reports that.
    assert [(s['id'], s['name'], s['status']) for s in shown['servers']] == [
        (server.id, 'web', 'ACTIVE')
    ]
    assert {(v['id'], v['status']) for v in shown['volumes']} >= {
        (volume.id, 'available')
    }
    assert [(f['id'], f['address']) for f in shown['floating_ips']] == [
        (fip.id, fip.address)
    ]
    assert [(g['id'], g['name']) for g in shown['security_groups']] == [
        (group.id, 'web')
    ]
    assert shown['attachments'] == []
    assert shown['availability_zones'] == ['nova']
    assert 'F17-x86_64-cfntools' in {i['name'] for i in shown['images']}
    assert 'm1.small' in {f['name'] for f in shown['flavors']}
    for key in ('servers', 'volumes', 'floating_ips', 'security_groups'):
        assert all('status' in entry and 'id' in entry for entry in shown[key])

    cloud.compute.attach_volume(server.id, volume.id)
    theirs = show(state, '--tenant', 'other')
    assert [v['name'] for v in theirs['volumes']] == ['theirs']
    assert theirs['servers'] == [] and theirs['attachments'] == []
    assert show(state)['attachments'] == [
        {
            'server_id': server.id,
            'volume_id': volume.id,
            'device': '/dev/vdb',
            'status': 'attached',
        }
    ]
