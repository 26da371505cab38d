"""heat-all's choice of message transport."""

from heat.common import config

CONF = config.CONF


def parse(tmp_path, text):
    conf_file = tmp_path / 'heat.conf'
    conf_file.write_text(text)
    config.parse_args(
        ['--config-file', str(conf_file)], default_config_files=[]
    )
    config.use_embedded_transport_by_default()
    return CONF.transport_url


def teardown_function():
    CONF.clear_override('transport_url')
    CONF([], project='heat', default_config_files=[])


def test_no_transport_configured_means_in_process(tmp_path):
    url = parse(tmp_path, '[DEFAULT]\nstate_path = %s\n' % tmp_path)
    assert url == config.EMBEDDED_TRANSPORT_URL


def test_a_configured_transport_is_kept(tmp_path):
    url = parse(
        tmp_path,
        '[DEFAULT]\nstate_path = %s\n'
        'transport_url = rabbit://u:p@127.0.0.1:5672/\n' % tmp_path,
    )
    assert url == 'rabbit://u:p@127.0.0.1:5672/'
