"""README.rst and doc/*.rst are well-formed reStructuredText.

docutils reports a malformed table or list as a warning and renders the
rest as plain text, so a broken page would otherwise go unnoticed.
"""

import io
import pathlib

import docutils.core
import pytest

TOP = pathlib.Path(__file__).resolve().parents[3]
PAGES = [TOP / 'README.rst', *sorted((TOP / 'doc').glob('*.rst'))]


@pytest.mark.parametrize('page', PAGES, ids=lambda page: page.name)
def test_page_parses_without_warnings(page):
    warnings = io.StringIO()
    docutils.core.publish_doctree(
        page.read_text(),
        source_path=str(page),
        settings_overrides={'warning_stream': warnings, 'report_level': 2},
    )
    assert warnings.getvalue() == ''
