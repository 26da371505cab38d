"""[DEFAULT] max_template_size, for TemplateBody and TemplateURL, on every
action that takes a template, driven by boto3 and the aws CLI."""

import http.server
import json
import threading

import botocore.exceptions
import pytest

from heat.tests.functional import clients
from heat.tests.functional import server as server_mod

LIMIT = 8192
# An answer far longer than any buffer between the API and a web server.
ENDLESS_BYTES = 256 * 1024 * 1024
CHUNK = b' ' * 65536
SERVE_TIMEOUT_SECONDS = 60


def template_of_size(size):
    """A valid JSON template exactly size bytes long."""
    template = clients.handles_template(count=1, description='')
    padding = size - len(clients.body(template))
    template['Description'] = 'x' * padding
    text = clients.body(template)
    assert len(text.encode()) == size
    return text


class TemplateSite:
    """A web server on loopback serving /small (a template within LIMIT)
    and /endless (a body that never stops, counting what it sent)."""

    def __init__(self):
        self.sent = 0
        self.endless_done = threading.Event()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == '/small':
                    return self._small()
                site.sent = 0
                try:
                    self.send_response(200)
                    self.end_headers()
                    while site.sent < ENDLESS_BYTES:
                        self.wfile.write(CHUNK)
                        site.sent += len(CHUNK)
                except OSError:
                    pass  # the API hung up, as it should
                finally:
                    site.endless_done.set()

            def _small(self):
                body = template_of_size(LIMIT).encode()
                self.send_response(200)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), Handler
        )
        self.url = 'http://127.0.0.1:%d' % self._httpd.server_port
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture(scope='module')
def small_limit_server():
    running = server_mod.HeatServer(
        extra_config='[DEFAULT]\nmax_template_size = %d\n' % LIMIT
    ).start()
    yield running
    running.stop()


@pytest.fixture(scope='module')
def cfn(small_limit_server):
    return clients.boto3_client(small_limit_server)


@pytest.fixture(scope='module')
def site():
    running = TemplateSite()
    yield running
    running.stop()


@pytest.fixture(scope='module')
def stack_name(cfn):
    name = clients.unique_name('sized')
    cfn.create_stack(StackName=name, TemplateBody=template_of_size(LIMIT))
    clients.wait_for_status(cfn, name)
    return name


def calls(cfn, stack_name, **template):
    """Every action that takes a template, called with it."""
    return {
        'CreateStack': lambda: cfn.create_stack(
            StackName=clients.unique_name('big'), **template
        ),
        'UpdateStack': lambda: cfn.update_stack(
            StackName=stack_name, **template
        ),
        'ValidateTemplate': lambda: cfn.validate_template(**template),
        'GetTemplateSummary': lambda: cfn.get_template_summary(**template),
    }


def refusal(call):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call()
    error = caught.value.response['Error']
    return (
        caught.value.response['ResponseMetadata']['HTTPStatusCode'],
        error['Code'],
        error['Message'],
    )


def test_a_body_at_the_limit_is_accepted(cfn):
    summary = cfn.get_template_summary(TemplateBody=template_of_size(LIMIT))
    assert summary['ResourceTypes'] == [clients.HANDLE_TYPE]


@pytest.mark.parametrize(
    'action',
    ['CreateStack', 'UpdateStack', 'ValidateTemplate', 'GetTemplateSummary'],
)
def test_a_body_past_the_limit_is_refused(cfn, stack_name, action):
    call = calls(cfn, stack_name, TemplateBody=template_of_size(LIMIT + 1))[
        action
    ]
    assert refusal(call) == (
        400,
        'ValidationError',
        "1 validation error detected: Value at 'templateBody' failed to "
        'satisfy constraint: Member must have length less than or equal to '
        '%d bytes' % LIMIT,
    )


def test_the_limit_counts_utf8_bytes(cfn):
    template = json.loads(template_of_size(LIMIT))
    # As many characters as the limit, one byte more.
    template['Description'] = template['Description'][:-1] + '\u00e9'
    assert (
        refusal(
            lambda: cfn.validate_template(
                TemplateBody=json.dumps(template, ensure_ascii=False)
            )
        )[1]
        == 'ValidationError'
    )


def test_a_url_at_the_limit_is_accepted(cfn, site):
    summary = cfn.get_template_summary(TemplateURL=site.url + '/small')
    assert summary['ResourceTypes'] == [clients.HANDLE_TYPE]


@pytest.mark.parametrize(
    'action',
    ['CreateStack', 'UpdateStack', 'ValidateTemplate', 'GetTemplateSummary'],
)
def test_a_download_stops_past_the_limit(cfn, stack_name, site, action):
    site.endless_done.clear()
    call = calls(cfn, stack_name, TemplateURL=site.url + '/endless')[action]
    assert refusal(call) == (
        400,
        'ValidationError',
        'Template may not exceed %d bytes in size.' % LIMIT,
    )
    assert site.endless_done.wait(SERVE_TIMEOUT_SECONDS)
    # What socket buffers took before the API hung up, not the whole.
    assert site.sent < ENDLESS_BYTES // 4


def test_the_aws_cli_is_told_the_limit(small_limit_server, site, tmp_path):
    big = tmp_path / 'big.json'
    big.write_text(template_of_size(LIMIT + 1))
    aws = clients.AwsCli(small_limit_server)
    results = aws.run_all(
        {
            'body': (
                'validate-template',
                '--template-body',
                'file://%s' % big,
            ),
            'url': (
                'validate-template',
                '--template-url',
                site.url + '/endless',
            ),
        }
    )
    for result in results.values():
        # A service error: 255 from aws CLI v1, 254 from v2.
        assert result.returncode in (254, 255), result.stderr
        assert '(ValidationError)' in result.stderr
    assert 'less than or equal to %d bytes' % LIMIT in results['body'].stderr
    assert 'may not exceed %d bytes' % LIMIT in results['url'].stderr


def test_the_default_limit_refuses_600_kb(heat_server):
    cfn = clients.boto3_client(heat_server)
    status, code, message = refusal(
        lambda: cfn.validate_template(
            TemplateBody=template_of_size(600 * 1024)
        )
    )
    assert (status, code) == (400, 'ValidationError')
    assert message.endswith('less than or equal to 524288 bytes')
