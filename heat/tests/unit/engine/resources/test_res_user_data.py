"""The user data message, read back as cloud-init and heat-cfntools read it."""

import email
import importlib
import json
import os

from boto.pyami import config as boto_config
import pytest

from heat.engine.resources import user_data

ENDPOINT = 'http://192.0.2.10:8000/v1'
METADATA = {
    'AWS::CloudFormation::Init': {
        'config': {'packages': {'yum': {'httpd': []}}}
    }
}
SCRIPT = '#!/bin/bash -v\n/opt/aws/bin/cfn-init -s wiki -r WebServer\n'


@pytest.fixture(scope='module')
def cfn_helper():
    """heat-cfntools' helper module, which sets BOTO_CONFIG on import."""
    saved = os.environ.get('BOTO_CONFIG')
    try:
        return importlib.import_module('heat_cfntools.cfntools.cfn_helper')
    finally:
        if saved is None:
            os.environ.pop('BOTO_CONFIG', None)
        else:
            os.environ['BOTO_CONFIG'] = saved


def parts(message_text):
    """(content type, filename, text) of each part, in order."""
    message = email.message_from_string(message_text)
    assert message.get_content_type() == 'multipart/mixed'
    return [
        (
            part.get_content_type(),
            part.get_filename(),
            part.get_payload(decode=True).decode(part.get_content_charset()),
        )
        for part in message.get_payload()
    ]


def by_name(message_text):
    return {name: body for _ctype, name, body in parts(message_text)}


def run_part_handler(message_text, tmp_path):
    """Feed the parts to the message's own part handler, as cloud-init
    does; returns where it wrote the data and the credentials."""
    found = parts(message_text)
    handler_source = [
        body for ctype, _name, body in found if ctype == 'text/part-handler'
    ]
    assert len(handler_source) == 1
    handler = {}
    # Run the part handler's source as cloud-init would.
    exec(compile(handler_source[0], 'part-handler.py', 'exec'), handler)  # noqa: S102
    handler['DATA_DIR'] = str(tmp_path / 'heat-cfntools')
    handler['CREDENTIALS_FILE'] = str(tmp_path / 'cfn' / 'cfn-credentials')
    handled = handler['list_types']()
    handler['handle_part'](None, '__begin__', None, None)
    for ctype, name, body in found:
        if ctype in handled:
            handler['handle_part'](None, ctype, name, body)
    handler['handle_part'](None, '__end__', None, None)
    return (tmp_path / 'heat-cfntools', tmp_path / 'cfn' / 'cfn-credentials')


def test_parts_come_in_the_order_cloud_init_needs():
    found = parts(
        user_data.build(SCRIPT, METADATA, ENDPOINT, ('AKIA1', 'secret1'))
    )
    assert [(ctype, name) for ctype, name, _body in found] == [
        ('text/cloud-config', 'cloud-config'),
        ('text/part-handler', 'part-handler.py'),
        ('text/x-cfninitdata', 'cfn-init-data'),
        ('text/x-cfninitdata', 'cfn-metadata-server'),
        ('text/x-cfninitdata', 'cfn-boto-cfg'),
        ('text/x-cfninitdata', 'cfn-credentials'),
        ('text/x-shellscript', 'cfn-userdata'),
    ]
    assert found[0][2].startswith('#cloud-config\n')


def test_script_and_metadata_come_back_unchanged():
    script = '#!/bin/sh\necho "caf\u00e9" > /tmp/menu\n'
    metadata = dict(METADATA, note='na\u00efve')
    found = by_name(user_data.build(script, metadata, ENDPOINT))
    assert found['cfn-userdata'] == script
    assert json.loads(found['cfn-init-data']) == metadata


def test_no_script_and_no_credentials_leave_their_parts_out():
    found = by_name(user_data.build(None, {}, ENDPOINT))
    assert 'cfn-userdata' not in found
    assert 'cfn-credentials' not in found
    assert json.loads(found['cfn-init-data']) == {}


@pytest.mark.parametrize(
    'endpoint, url, port, secure, host',
    [
        (
            'http://192.0.2.10:8000/v1',
            'http://192.0.2.10:8000/',
            8000,
            'False',
            '192.0.2.10',
        ),
        (
            'https://heat.example.com/v1',
            'https://heat.example.com:443/',
            443,
            'True',
            'heat.example.com',
        ),
        (
            'http://[2001:db8::5]:8080/v1',
            'http://[2001:db8::5]:8080/',
            8080,
            'False',
            '2001:db8::5',
        ),
    ],
)
def test_cfn_tools_find_the_api(
    tmp_path, cfn_helper, endpoint, url, port, secure, host
):
    data_dir, _creds = run_part_handler(
        user_data.build(SCRIPT, METADATA, endpoint), tmp_path
    )
    server_file = data_dir / 'cfn-metadata-server'
    assert server_file.read_text() == url
    assert cfn_helper.metadata_server_port(str(server_file)) == port
    boto = boto_config.Config(path=str(data_dir / 'cfn-boto-cfg'))
    assert boto.get('Boto', 'cfn_region_endpoint') == host
    assert boto.get('Boto', 'is_secure') == secure
    assert boto.get('Boto', 'cfn_region_name') == 'RegionOne'


def test_part_handler_writes_what_cfn_tools_read(tmp_path, cfn_helper):
    data_dir, creds_file = run_part_handler(
        user_data.build(SCRIPT, METADATA, ENDPOINT, ('AKIA1', 's3cr/t+')),
        tmp_path,
    )
    assert sorted(os.listdir(data_dir)) == [
        'cfn-boto-cfg',
        'cfn-credentials',
        'cfn-init-data',
        'cfn-metadata-server',
    ]
    assert json.loads((data_dir / 'cfn-init-data').read_text()) == METADATA
    assert cfn_helper.parse_creds_file(str(creds_file)) == {
        'AWSAccessKeyId': 'AKIA1',
        'AWSSecretKey': 's3cr/t+',
    }
    assert (data_dir / 'cfn-credentials').read_text() == creds_file.read_text()
    assert os.stat(creds_file).st_mode & 0o777 == 0o600
    assert os.stat(data_dir).st_mode & 0o777 == 0o700
