"""The merge sandbox: known template-injection payloads are refused when the template is saved
(naming the line) AND are harmless when rendered anyway, in HTML, text and Word templates;
values are escaped; unknown fields name their line; output is capped."""

from __future__ import annotations

import io
import re

import docx
import pytest
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from rapport.attachments.testing import docx_bytes
from rapport.delivery.merge import sandbox
from rapport.delivery.merge.fields import MERGE_FIELDS, empty_context
from rapport.delivery.merge.sandbox import MergeError

PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ self }}",
    "{{ config }}",
    "{{ request }}",
    "{{ settings.SECRET_KEY }}",
    "{{ contact|attr('__class__') }}",
    "{{ '{0.__class__}'.format(contact) }}",
    "{% for x in range(10**9) %}x{% endfor %}",
    "{{ 'a'*10**8 }}",
    "{{ 'a' * 100000000 }}",
    "{{ '%0999999d' % 1 }}",
    "{{ 10**10**10 }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% from 'os' import popen %}",
    "{% extends 'base.html' %}",
    "{% extends %}",
    "{{ contact.name.__class__ }}",
    "{{ contact.__class__.__base__.__subclasses__() }}",
    "{{ contact['__class__'] }}",
    "{{ contact.items() }}",
    "{{ contact.name.upper() }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__['os'] }}",
    "{{ range(10) }}",
    "{{ dict(a=1) }}",
    "{% macro m() %}{{ m.__globals__ }}{% endmacro %}{{ m() }}",
    "{{ contact.name|map(attribute='__class__')|list }}",
    "{{ contact.name|safe }}",
    "{% autoescape false %}{{ contact.name }}{% endautoescape %}",
    "{% filter attr('__class__') %}x{% endfilter %}",
    "{{ loop.__class__ }}",
    "{{ _TemplateReference__context }}",
    "{% set _secret = contact %}{{ _secret }}",
    "{% set contact = 'x' %}{{ contact }}",
    "{% with c = cycler %}{{ c.__init__ }}{% endwith %}",
    "{{ caller }}",
    "{{ contact.name[0:10] }}",
    "{% for a in contact.name %}{% for b in contact.name %}{% for c in contact.name %}x"
    "{% endfor %}{% endfor %}{% endfor %}",
    "{% for x in contact.name|join('x') %}{% endfor %}",
    "{% for x in contact recursive %}{{ loop(x) }}{% endfor %}",
    "{{ contact.name|format(contact) }}",
    "{% raw %}{% endraw %}{{ contact.name|pprint }}",
]
# What would show that a template reached Python: a repr of a class, module, function or
# method, globals, the template context, a command's output, a setting.
SECRET_MARKERS = re.compile(
    r"<class|<module|<function|<built-in|<bound|<method|globals|_context|uid=|root:|SECRET_KEY"
    r"|__",
    re.IGNORECASE,
)


def _context() -> dict:
    context = empty_context()
    context["contact"].update(name="Ann <script>alert(1)</script> & Co", first_name="Ann")
    context["company"]["name"] = "Smith & Sons"
    context["salutation"] = "Dear Ann"
    return context


def _assert_harmless(render, *, escaped: bool = False) -> None:
    """Rendering is refused (MergeError; the bare sandbox's SecurityError, TemplateError, or
    TypeError for a tag that needs a loader) or gives a short text that reveals nothing of
    Python (and, `escaped`, no unescaped value)."""
    try:
        output = render()
    except (MergeError, SecurityError, TemplateError, TypeError):
        return
    assert len(output) <= sandbox.MAX_OUTPUT
    assert not SECRET_MARKERS.search(output), output
    if escaped:
        assert "<script" not in output, output


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 25


@pytest.mark.parametrize("mode", ["html", "text"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_refused_at_save_time_naming_the_line(payload, mode):
    source = f"Dear customer,\n\n{payload}\n"

    problems = sandbox.template_check(source, mode=mode)

    assert problems, payload
    assert {line for line, _message in problems} == {3}


@pytest.mark.parametrize("mode", ["html", "text"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_harmless_at_render_time(payload, mode):
    _assert_harmless(lambda: sandbox.render(payload, _context(), mode=mode), escaped=mode == "html")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_bare_sandbox_alone_keeps_python_out_of_reach(payload):
    """Without the check the environment runs when it compiles (the parent class's
    from_string): still nothing of Python is reachable."""
    environment = sandbox.ENVIRONMENTS["html"]
    _assert_harmless(
        lambda: SandboxedEnvironment.from_string(environment, payload).render(_context())
    )


def test_the_bare_sandbox_refuses_attribute_access_and_calls_outright():
    environment = sandbox.ENVIRONMENTS["text"]

    def bare(source: str) -> str:
        return SandboxedEnvironment.from_string(environment, source).render(_context())

    assert bare("{{ contact.name.__class__ }}") == ""
    assert bare("{{ contact.items }}") == ""
    with pytest.raises(SecurityError):
        bare("{{ contact.get('name') }}")
    with pytest.raises(SecurityError):
        bare("{{ 'a' * 1000 }}")


def test_the_environment_refuses_to_compile_what_the_check_refuses():
    with pytest.raises(MergeError, match=r"Line 2: \{% autoescape %\} is not allowed"):
        sandbox.ENVIRONMENTS["html"].from_string("x\n{% autoescape false %}{% endautoescape %}")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_word_letter_is_refused_and_harmless(payload):
    content = docx_bytes("Dear customer,", "Our offer:", payload)

    problems = sandbox.docx_check(content)

    assert problems, payload
    assert {line for line, _message in problems} == {3}
    try:
        merged = sandbox.render_docx(content, _context())
    except MergeError:
        return
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(merged)).paragraphs)
    assert not SECRET_MARKERS.search(text), text


def test_a_growing_filter_chain_is_stopped_at_render_time():
    grow = "|replace('', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')" * 6
    source = "{{ contact.name" + grow + " }}"

    assert sandbox.template_check(source, mode="html") == []
    with pytest.raises(MergeError, match="longer than 2,000,000 characters"):
        sandbox.render_html(source, _context())


def test_output_is_capped(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 50)
    sandbox.compiled.cache_clear()
    source = "{% for a in contact.name %}{% for b in contact.name %}xx{% endfor %}{% endfor %}"

    with pytest.raises(MergeError, match="longer than 50 characters"):
        sandbox.render_html(source, _context())


def test_values_are_escaped_in_html_and_as_they_are_in_text():
    source = "<p>{{ contact.name }} / {{ company.name }}</p>"

    assert sandbox.render_html(source, _context()) == (
        "<p>Ann &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co / Smith &amp; Sons</p>"
    )
    assert sandbox.render_text("{{ contact.name }}", _context()) == (
        "Ann <script>alert(1)</script> & Co"
    )


def test_a_word_letter_escapes_values_so_the_document_stays_whole():
    content = docx_bytes("{{ salutation }},", "Your company {{ company.name }}.", "Regards")

    merged = sandbox.render_docx(content, _context())

    paragraphs = [p.text for p in docx.Document(io.BytesIO(merged)).paragraphs]
    assert paragraphs == ["Dear Ann,", "Your company Smith & Sons.", "Regards"]


def test_unknown_fields_name_their_line():
    source = (
        "Hello\n{{ contact.name }}\n{{ contct.name }}\n{% if false %}{{ contact.nmae }}{% endif %}"
    )

    assert sandbox.template_check(source, mode="html") == [
        (3, "unknown field 'contct'."),
        (4, "unknown field 'contact.nmae'."),
    ]


def test_an_unknown_field_renders_blank():
    assert sandbox.render_text("[{{ contact.nmae }}][{{ nothing }}]", _context()) == "[][]"


def test_syntax_errors_name_their_line():
    problems = sandbox.template_check("One\n{{ contact.name | }}\nThree", mode="text")

    assert len(problems) == 1
    line, message = problems[0]
    assert line == 2
    assert message.startswith("syntax error: ")


def test_a_word_letter_names_the_paragraph_of_an_unknown_field():
    content = docx_bytes("Dear {{ salutation }},", "Line two", "{{ contact.nmae }}")

    assert sandbox.docx_check(content) == [(3, "unknown field 'contact.nmae'.")]


def test_a_damaged_word_document_is_refused():
    assert sandbox.docx_check(b"PK\x03\x04 not really") == [
        (1, "This is not a Word document (.docx) that can be read.")
    ]


def test_every_merge_field_and_the_allowed_constructs_pass():
    lines = []
    for name, fields in MERGE_FIELDS.items():
        lines += [f"{{{{ {name}.{field} }}}}" for field in fields or ()] or [f"{{{{ {name} }}}}"]
    lines += [
        "{% if contact.city %}In {{ contact.city|upper }}{% else %}-{% endif %}",
        "{{ contact.name|default('customer')|title|truncate(20) }}",
        "{% for c in contact.name %}{{ loop.index }}{{ c }}{% endfor %}",
        "{% for x in ['a', 'b'] %}{{ x|replace('a', 'b') }}{% endfor %}",
        "{{ interaction.date|date('short') }} {{ contact['name'] }} {{ 3 * 4 }} {{ 7 % 2 }}",
        "{% set name = contact.first_name or contact.name %}{{ name ~ '!' }}",
    ]

    assert sandbox.template_check("\n".join(lines), mode="html") == []


def test_a_subject_loses_its_line_breaks():
    context = _context()
    context["contact"]["first_name"] = "Ann\r\nBcc: all@example.com"

    subject = sandbox.render_subject("Offer\nfor {{ contact.first_name }}", context)

    assert subject == "Offer for Ann Bcc: all@example.com"
    assert "\r" not in subject and "\n" not in subject


def test_a_word_letters_header_and_properties_are_checked_and_merged():
    document = docx.Document()
    document.add_paragraph("Dear {{ salutation }}")
    document.sections[0].header.paragraphs[0].text = "{{ contact.__class__ }}"
    document.core_properties.title = "{{ contct }}"
    stream = io.BytesIO()
    document.save(stream)

    assert sandbox.docx_check(stream.getvalue()) == [
        (1, "header: the name '__class__' is not allowed."),
        (1, "document properties: unknown field 'contct'."),
    ]

    document.sections[0].header.paragraphs[0].text = "{{ company.name }}"
    document.core_properties.title = "For {{ contact.first_name }}"
    stream = io.BytesIO()
    document.save(stream)
    merged = docx.Document(io.BytesIO(sandbox.render_docx(stream.getvalue(), _context())))
    assert merged.sections[0].header.paragraphs[0].text == "Smith & Sons"
    assert merged.core_properties.title == "For Ann"
