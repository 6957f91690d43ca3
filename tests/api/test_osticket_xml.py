"""POST /api/tickets.xml with osTicket's documented XML body, parsed safely."""

import base64

from tests.api.conftest import osticket_post
from tickets.models import Attachment, ThreadEntry, Ticket

# osTicket's documented example (setup/doc/api/tickets.md), with a real GIF.
GIF = b"GIF87a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00"
GIF_B64 = base64.b64encode(GIF * 4).decode()
GIF_LINES = "\n            ".join(GIF_B64[i : i + 40] for i in range(0, len(GIF_B64), 40))
DOCUMENTED = f"""<?xml version="1.0" encoding="UTF-8"?>
<ticket alert="true" autorespond="true" source="API">
    <name>Angry User</name>
    <email>api@osticket.com</email>
    <subject>Testing API</subject>
    <phone ext="123">318-555-8634</phone>
    <message><![CDATA[Message content here]]></message>
    <attachments>
        <file name="file.txt" type="text/plain"><![CDATA[
            File content is here and is automatically trimmed
        ]]></file>
        <file name="image.gif" type="image/gif" encoding="base64">
            {GIF_LINES}
        </file>
    </attachments>
    <ip>123.211.233.122</ip>
</ticket>
"""


def post_xml(client, body, key):
    return osticket_post(client, "/api/tickets.xml", body, key=key)


def test_documented_xml_body_creates_a_ticket_and_answers_201_with_the_number(client, api_key):
    response = post_xml(client, DOCUMENTED, api_key)

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response.content.decode() == ticket.number
    assert ticket.subject == "Testing API"
    assert ticket.requester.email == "api@osticket.com"
    assert ticket.requester.phone == "318-555-8634X123"
    assert ThreadEntry.objects.get().body_text == "Message content here"


def test_documented_xml_attachments_are_trimmed_and_decoded(client, api_key):
    post_xml(client, DOCUMENTED, api_key)

    files = {a.name: (a.content_type, a.file.read()) for a in Attachment.objects.all()}
    assert files["file.txt"] == ("text/plain", b"File content is here and is automatically trimmed")
    assert files["image.gif"] == ("image/gif", GIF * 4)


def test_simple_values_may_be_attributes_of_the_ticket_element(client, api_key):
    body = '<ticket name="Ann" email="ann@example.net" subject="Short"><message>Hi</message></ticket>'

    assert post_xml(client, body, api_key).status_code == 201
    assert Ticket.objects.get().subject == "Short"


def test_an_html_message_is_kept_as_sanitised_html(client, api_key):
    body = DOCUMENTED.replace(
        "<message><![CDATA[Message content here]]></message>",
        '<message type="text/html"><![CDATA[<p><i>Hi</i><img src=x onerror=alert(1)></p>]]></message>',
    )
    post_xml(client, body, api_key)

    entry = ThreadEntry.objects.get()
    assert "<i>Hi</i>" in entry.body
    assert "onerror" not in entry.body


def test_malformed_xml_gets_400_with_the_line_and_creates_nothing(client, api_key):
    response = post_xml(client, "<ticket><name>Ann</ticket>", api_key)

    assert response.status_code == 400
    assert response.content.decode().startswith("XML error: mismatched tag at line 1:")
    assert not Ticket.objects.exists()


def test_an_entity_expansion_bomb_is_refused_without_being_expanded(client, api_key):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<ticket><name>&b;</name></ticket>"
    )
    response = post_xml(client, bomb, api_key)

    assert response.status_code == 400
    assert response.content.decode().startswith("XML error:")
    assert not Ticket.objects.exists()


def test_an_external_entity_is_refused(client, api_key):
    xxe = '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><ticket><name>&x;</name></ticket>'

    assert post_xml(client, xxe, api_key).status_code == 400


def test_malformed_base64_in_an_xml_file_gets_400(client, api_key):
    body = DOCUMENTED.replace(GIF_LINES, "%%% not base64 %%%")
    response = post_xml(client, body, api_key)

    assert response.status_code == 400
    assert response.content == b"image.gif: Poorly encoded base64 data"
    assert not Ticket.objects.exists()


def test_alert_and_autorespond_false_as_text_are_false(client, api_key, mailoutbox, django_capture_on_commit_callbacks):
    body = DOCUMENTED.replace('autorespond="true"', 'autorespond="false"')
    with django_capture_on_commit_callbacks(execute=True):
        post_xml(client, body, api_key)

    assert Ticket.objects.count() == 1
    assert not [m for m in mailoutbox for address in m.to if "api@osticket.com" in address]


def test_deeply_nested_xml_gets_400_not_a_crash(client, api_key):
    body = "<ticket><extra>" + "<a>" * 5000 + "</a>" * 5000 + "</extra></ticket>"
    response = post_xml(client, body, api_key)

    assert response.status_code == 400
    assert not Ticket.objects.exists()
