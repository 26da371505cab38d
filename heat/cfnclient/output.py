"""Rendering service answers as plain aligned text or as JSON."""

import datetime
import json


def timestamp(value):
    """An AWS timestamp in UTC, to the second; '' when absent."""
    if value is None:
        return ''
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def table(headers, rows):
    """Columns left-aligned to their widest cell, two spaces apart."""
    rows = [[_cell(value) for value in row] for row in rows]
    widths = [
        max([len(header)] + [len(row[i]) for row in rows])
        for i, header in enumerate(headers)
    ]
    lines = [headers] + rows
    return '\n'.join(
        '  '.join(
            cell.ljust(width) for cell, width in zip(line, widths, strict=True)
        ).rstrip()
        for line in lines
    )


def fields(pairs):
    """One 'Name  value' line per field; extra lines of a value indented."""
    width = max(len(name) for name, _ in pairs)
    lines = []
    for name, value in pairs:
        first, *rest = (_cell(value) or '').split('\n')
        lines.append(('%s  %s' % (name.ljust(width), first)).rstrip())
        lines.extend(' ' * (width + 2) + line for line in rest)
    return '\n'.join(lines)


def to_json(value):
    return json.dumps(value, indent=2, default=_json_default)


def _cell(value):
    if value is None:
        return ''
    if isinstance(value, datetime.datetime):
        return timestamp(value)
    return str(value)


def _json_default(value):
    if isinstance(value, datetime.datetime):
        return timestamp(value)
    raise TypeError('%r is not JSON serializable' % (value,))


class Printer:
    """Writes either the JSON form or the text form of each answer."""

    def __init__(self, output_format, stream):
        self.output_format = output_format
        self.stream = stream

    def emit(self, json_value, render_text):
        """Print json_value as JSON, or the text render_text() makes."""
        if self.output_format == 'json':
            self.write(to_json(json_value))
        else:
            self.write(render_text())

    def write(self, text):
        print(text, file=self.stream, flush=True)
