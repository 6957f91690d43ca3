"""From raw bytes to an InboundMessage, fed with .eml files as Outlook, Gmail, Apple Mail and Thunderbird write them."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpdesk.mail.parsing import DropReason, MalformedMessage, parse_message
from helpdesk.mail.robots import RobotReason

SAMPLES = Path(__file__).parent / "samples"
LIMIT = 1024 * 1024


def raw(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def parse(name: str, **limits):
    return parse_message(raw(name), max_attachment_bytes=limits.pop("max_attachment_bytes", LIMIT), **limits)


def parse_bytes(data: bytes):
    return parse_message(data, max_attachment_bytes=LIMIT)


def simple(sender: str = "Carol <carol@example.com>", *headers: str, body: str = "Hello") -> bytes:
    lines = [f"From: {sender}", "To: support@helpdesk.test", "Subject: Hi", "Message-ID: <m@example.com>", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


# --- headers ------------------------------------------------------------------------------------------


def test_outlook_reply_headers_are_read():
    msg = parse("outlook_reply.eml")
    assert msg.message_id == "<AM0PR07MB4321A1B2C3D4E5F6@AM0PR07MB4321.eurprd07.prod.outlook.com>"
    assert msg.in_reply_to == "<ticket-482913.1.abc@helpdesk.test>"
    assert msg.references == ["<ticket-482913.1.abc@helpdesk.test>"]
    assert msg.subject == "RE: [#482913] Printer jams"
    assert (msg.from_name, msg.from_address) == ("Carol Customer", "carol@example.com")
    assert msg.to == [("Sportello Support", "support@helpdesk.test")]
    assert msg.date == datetime(2025, 3, 3, 9, 15, 1, tzinfo=UTC)
    assert msg.robot is None


def test_folded_references_are_all_kept_in_order():
    msg = parse("outlook_web_reply_it.eml")
    assert msg.references == ["<ticket-771204.1.abc@helpdesk.test>", "<ticket-771204.3.def@helpdesk.test>"]


def test_encoded_sender_name_is_decoded():
    assert parse("gmail_reply_it.eml").from_name == "Niccolò Ferri"


def test_cc_and_reply_to_are_read_and_duplicates_dropped():
    msg = parse_bytes(
        simple(
            "Carol <carol@example.com>",
            "Cc: Dave <dave@example.com>, DAVE@example.com, not an address, =?utf-8?q?Ern=C3=B2?= <erno@example.com>",
            "Reply-To: Carol Home <carol@home.example>",
        )
    )
    assert msg.cc == [("Dave", "dave@example.com"), ("Ernò", "erno@example.com")]
    assert msg.reply_to == [("Carol Home", "carol@home.example")]


def test_date_without_zone_is_taken_as_utc():
    msg = parse_bytes(simple("carol@example.com", "Date: Tue, 4 Mar 2025 10:00:00 -0000"))
    assert msg.date == datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def test_date_keeps_the_senders_offset():
    msg = parse_bytes(simple("carol@example.com", "Date: Tue, 4 Mar 2025 10:00:00 +0530"))
    assert msg.date == datetime(2025, 3, 4, 10, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))


def test_unreadable_date_is_none():
    assert parse_bytes(simple("carol@example.com", "Date: yesterday at tea time")).date is None


def test_bare_message_id_without_angle_brackets_is_wrapped():
    data = simple("carol@example.com").replace(b"Message-ID: <m@example.com>", b"Message-ID: abc@example.com")
    assert parse_bytes(data).message_id == "<abc@example.com>"


def test_overlong_message_id_is_shortened_to_a_stable_hash():
    data = simple("carol@example.com").replace(b"<m@example.com>", b"<" + b"x" * 300 + b"@example.com>")
    first, second = parse_bytes(data), parse_bytes(data)
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@sportello.long>")
    assert len(first.message_id) <= 255


def test_missing_message_id_gets_a_stable_generated_one():
    first, again = parse("no_message_id.eml"), parse("no_message_id.eml")
    assert first.message_id_generated
    assert first.message_id == again.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith("@sportello.missing>")


def test_generated_message_id_differs_for_different_bytes():
    other = raw("no_message_id.eml").replace(b"A very old", b"Another old")
    assert parse_bytes(other).message_id != parse("no_message_id.eml").message_id


# --- the sender -----------------------------------------------------------------------------------------


def test_from_with_two_addresses_is_refused():
    with pytest.raises(MalformedMessage, match="exactly one sender"):
        parse("from_two_addresses.eml")


def test_quoted_display_name_that_looks_like_an_address_is_only_a_name():
    msg = parse("from_display_trick.eml")
    assert msg.from_address == "evil@x.test"
    assert msg.from_name == "support@helpdesk.test"


def test_encoded_word_cannot_smuggle_a_second_sender():
    msg = parse_bytes(simple("=?utf-8?q?support=40helpdesk.test=2C_evil=40x.test?= <carol@example.com>"))
    assert msg.from_address == "carol@example.com"
    assert msg.from_name == "support@helpdesk.test, evil@x.test"


def test_comment_with_an_address_does_not_change_the_sender():
    msg = parse_bytes(simple("Carol <carol@example.com> (admin <admin@helpdesk.test>)"))
    assert msg.from_address == "carol@example.com"


@pytest.mark.parametrize(
    "sender",
    [
        "alice@example.org <bob@example.org>",
        "alice@example.org)<bob@example.org>",
        "group: a@b.example, c@d.example;",
        "undisclosed-recipients:;",
        "not an address",
        "Carol <carol@example.com",
        "<>",
    ],
)
def test_ambiguous_or_empty_from_is_refused(sender):
    with pytest.raises(MalformedMessage):
        parse_bytes(simple(sender))


@pytest.mark.parametrize(
    ("sender", "name", "address"),
    [
        ("Rossi, Mario <mario@example.it>", "Rossi, Mario", "mario@example.it"),
        ("carol@example.com <carol@example.com>", "carol@example.com", "carol@example.com"),
        ("'carol@example.com' <carol@example.com>", "carol@example.com", "carol@example.com"),
        ("=?utf-8?Q?Caf=C3=A9?=<bar@example.it>", "Café", "bar@example.it"),
        ("Carol <carol@example.com>;", "Carol", "carol@example.com"),
    ],
)
def test_sloppy_but_unambiguous_from_is_accepted(sender, name, address):
    msg = parse_bytes(simple(sender))
    assert (msg.from_name, msg.from_address) == (name, address)


def test_raw_8bit_sender_name_is_decoded():
    data = simple("NAME <n@example.it>").replace(b"NAME", "Niccolò".encode())
    assert parse_bytes(data).from_name == "Niccolò"


def test_two_from_headers_are_refused():
    with pytest.raises(MalformedMessage, match="more than one From"):
        parse_bytes(simple("carol@example.com", "From: evil@x.test"))


def test_message_without_from_is_refused():
    with pytest.raises(MalformedMessage, match="no From header"):
        parse_bytes(b"To: support@helpdesk.test\r\nSubject: who?\r\n\r\nbody\r\n")


# --- bodies and quoted history -------------------------------------------------------------------------


def test_html_is_preferred_and_the_text_version_kept():
    msg = parse("gmail_reply.eml")
    assert msg.html == "<div>Thanks, that fixed it!</div><br>"
    assert msg.text == "Thanks, that fixed it!"


def test_outlook_head_styles_and_title_do_not_leak_into_the_body():
    msg = parse("outlook_reply.eml")
    assert "Outlook title" not in msg.html
    assert "MsoNormal" not in msg.html
    assert "font-family" not in msg.full_text


def test_outlook_desktop_reply_is_split_from_its_history():
    msg = parse("outlook_reply.eml")
    assert "still jams after the update" in msg.html
    assert "firmware" not in msg.html
    assert "Have you tried the firmware update?" in msg.quoted_html
    assert msg.text.endswith("Regards,\nCarol")
    assert msg.quoted_text.startswith("From: Sportello Support")


def test_outlook_web_italian_reply_is_split_from_its_history():
    msg = parse("outlook_web_reply_it.eml")
    assert "la fattura di febbraio non è ancora arrivata" in msg.html
    assert "Gentile cliente" not in msg.html
    assert "<b>Inviato:</b>" in msg.quoted_html
    assert msg.text.endswith("Grazie, Marco")
    assert msg.quoted_text.startswith("________________________________\nDa: Sportello Amministrazione")


def test_gmail_reply_is_split_from_its_history():
    msg = parse("gmail_reply.eml")
    assert "Please restart the router" in msg.quoted_html
    assert msg.quoted_text.startswith("On Mon, Mar 3, 2025 at 10:00 AM Sportello Support")


def test_gmail_italian_reply_is_split_from_its_history():
    msg = parse("gmail_reply_it.eml")
    assert msg.text == "Perfetto, grazie mille. Il problema è risolto."
    assert "ha scritto" not in msg.html
    assert "Provi a riavviare il modem" in msg.quoted_html
    assert msg.quoted_text.startswith("Il giorno lun 3 mar 2025")


def test_apple_mail_reply_is_split_from_its_history():
    msg = parse("apple_mail_inline_image.eml")
    assert "Here is a photo of the error." in msg.html
    assert "wrote:" not in msg.html
    assert "Could you send us a screenshot?" in msg.quoted_html
    assert msg.text == "Here is a photo of the error.\n\n[image: screenshot.png]"


def test_thunderbird_italian_reply_is_split_from_its_history():
    msg = parse("thunderbird_reply_it.eml")
    assert "Va bene, allora aspetto il tecnico giovedì." in msg.html
    assert "ha scritto" not in msg.html
    assert "Il tecnico passerà" in msg.quoted_html
    assert (
        msg.quoted_text == "Il 03/03/25 10:05, Sportello Assistenza ha scritto:\n> Il tecnico passerà giovedì mattina."
    )


def test_full_body_joins_the_reply_and_its_history():
    msg = parse("gmail_reply.eml")
    assert msg.full_html == msg.html + msg.quoted_html
    assert msg.full_text.startswith("Thanks, that fixed it!\n\nOn Mon")


def test_plain_text_mail_gets_an_escaped_html_version():
    msg = parse_bytes(simple("carol@example.com", body="1 < 2 & <b>not bold</b>\r\n\r\nsecond"))
    assert msg.html == "<p>1 &lt; 2 &amp; &lt;b&gt;not bold&lt;/b&gt;</p>\n\n<p>second</p>"
    assert msg.text == "1 < 2 & <b>not bold</b>\n\nsecond"


def test_html_with_scripts_event_handlers_and_javascript_links_comes_out_clean():
    msg = parse("html_hostile.eml")
    body = msg.full_html.lower()
    for danger in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<form", "<svg", "style="):
        assert danger not in body
    assert '<a href="https://example.com/manual"' in msg.html
    assert "look at" in msg.text


def test_external_images_stay_as_markup_and_are_not_fetched():
    msg = parse("html_hostile.eml")
    assert '<img src="https://tracker.example/pixel.gif?u=carol"' in msg.html
    assert msg.attachments == []


def test_html_only_mail_gets_its_text_from_the_html():
    msg = parse("charset_gb2312.eml")
    assert msg.text == "朱镕基先生您好，打印机无法工作，请帮忙检查。"


# --- attachments ----------------------------------------------------------------------------------------


def test_inline_cid_image_is_marked_inline_with_its_content_id():
    msg = parse("apple_mail_inline_image.eml")
    (image,) = msg.attachments
    assert image.name == "screenshot.png"
    assert image.content_type == "image/png"
    assert image.content_id == "2D3E4F50-6172-4839-A4B5-C6D7E8F90A1B@home"
    assert image.is_inline
    assert image.content.startswith(b"\x89PNG")
    assert 'src="cid:2D3E4F50-6172-4839-A4B5-C6D7E8F90A1B@home"' in msg.html


def test_image_with_content_id_that_the_html_never_shows_is_a_normal_attachment():
    data = raw("apple_mail_inline_image.eml").replace(b"cid:2D3E4F50", b"cid:other-image")
    (image,) = parse_bytes(data).attachments
    assert image.content_id == "2D3E4F50-6172-4839-A4B5-C6D7E8F90A1B@home"
    assert not image.is_inline


def test_rfc2231_file_name_with_continuations_is_decoded():
    names = [attachment.name for attachment in parse("attachment_names.eml").attachments]
    assert "fattura n°12 perché.pdf" in names


def test_rfc2231_file_name_in_latin1_is_decoded():
    names = [attachment.name for attachment in parse("attachment_names.eml").attachments]
    assert "résumé.txt" in names


def test_rfc2047_encoded_file_name_is_decoded():
    names = [attachment.name for attachment in parse("attachment_names.eml").attachments]
    assert "preventivo 2025 €.docx" in names


def test_file_name_loses_its_path():
    names = [attachment.name for attachment in parse("attachment_names.eml").attachments]
    assert "passwd" in names
    assert not any("/" in name or ".." in name for name in names)


def test_attachment_content_is_decoded_from_base64():
    pdf = next(a for a in parse("attachment_names.eml").attachments if a.name.endswith(".pdf"))
    assert pdf.content == b"%PDF-1.4 fattura"
    assert pdf.content_type == "application/pdf"
    assert not pdf.is_inline


def test_blocked_file_type_is_dropped_with_its_reason():
    msg = parse("attachment_names.eml")
    assert [(d.name, d.reason) for d in msg.dropped] == [("invoice.pdf.exe", DropReason.BLOCKED_TYPE)]
    assert "invoice.pdf.exe" not in [attachment.name for attachment in msg.attachments]


def test_blocked_extensions_can_be_chosen_by_the_caller():
    msg = parse("attachment_names.eml", blocked_extensions=frozenset({".PDF"}))
    assert {d.name for d in msg.dropped} == {"fattura n°12 perché.pdf"}


def test_oversized_attachment_is_dropped_with_its_reason_and_the_message_still_parses():
    msg = parse("large_attachment.eml", max_attachment_bytes=1024)
    (dropped,) = msg.dropped
    assert (dropped.name, dropped.reason, dropped.size) == ("full.log.gz", DropReason.TOO_LARGE, 5120)
    assert str(dropped.reason.label) == "larger than the attachment size limit"
    assert [attachment.name for attachment in msg.attachments] == ["excerpt.log"]
    assert msg.text == "The full log and a short excerpt."


def test_forwarded_message_is_kept_as_an_eml_attachment_named_after_its_subject():
    msg = parse("forwarded_rfc822.eml")
    (forwarded,) = msg.attachments
    assert forwarded.name == "Rinnovo contratto – urgente.eml"
    assert forwarded.content_type == "message/rfc822"
    inner = email.message_from_bytes(forwarded.content, policy=email.policy.default)
    assert inner["Message-ID"] == "<inner-1@example.com>"
    assert "Vorremmo rinnovare il contratto." in inner.get_content()
    assert msg.text == "See the customer's mail below."


def test_winmail_dat_is_kept_as_an_attachment():
    msg = parse("winmail_tnef.eml")
    (tnef,) = msg.attachments
    assert (tnef.name, tnef.content_type) == ("winmail.dat", "application/ms-tnef")
    assert tnef.content.startswith(b"\x78\x9f\x3e\x22")
    assert msg.text == "In allegato l'offerta, così come concordato."


def test_right_to_left_override_is_removed_from_file_names():
    data = raw("attachment_names.eml").replace(b'filename="invoice.pdf.exe"', b"filename*=utf-8''in%E2%80%AEfdp.exe")
    assert "infdp.exe" in [d.name for d in parse_bytes(data).dropped]


def test_attachment_without_a_name_gets_one():
    data = (
        b"From: carol@example.com\r\nMessage-ID: <n@x>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/ms-tnef\r\n\r\nxx\r\n"
        b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n"
    )
    assert [a.name for a in parse_bytes(data).attachments] == ["winmail.dat", "attachment-2.png"]


def test_parts_nested_too_deep_are_dropped():
    inner = b"Content-Type: text/plain\r\n\r\ndeep\r\n"
    for level in range(30):
        inner = f"Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n".encode() + inner
        inner += f"\r\n--b{level}--\r\n".encode()
    msg = parse_bytes(b"From: carol@example.com\r\nMessage-ID: <deep@x>\r\n" + inner)
    assert [d.reason for d in msg.dropped] == [DropReason.TOO_DEEP]


# --- charsets ------------------------------------------------------------------------------------------


def test_mis_declared_utf8_body_and_subject_are_read_as_windows_1252():
    msg = parse("charset_misdeclared.eml")
    assert msg.text == "Buongiorno, perché l'abbonamento costa 10 € in più? “Grazie”"
    assert msg.subject == "Perché costa 10 €?"
    assert msg.from_name == "François Dupont"
    assert "\ufffd" not in msg.full_html + msg.subject + msg.from_name


def test_ks_c_5601_1987_body_subject_and_name_are_korean():
    msg = parse("charset_ks_c_5601.eml")
    assert msg.text == "똠방각하, 프린터가 작동하지 않습니다. 확인 부탁드립니다."
    assert msg.subject == "프린터 문의"
    assert msg.from_name == "김철수"


def test_gb2312_body_and_subject_with_gbk_characters_are_chinese():
    msg = parse("charset_gb2312.eml")
    assert msg.html == "<p>朱镕基先生您好，打印机无法工作，请帮忙检查。</p>"
    assert msg.subject == "打印机问题，朱镕基"
    assert msg.from_name == "王小明"


def test_unknown_charset_x_foo_falls_back_without_crashing():
    msg = parse("charset_unknown.eml")
    assert msg.subject == "Caffè e cornetto"
    assert msg.text == "Un caffè, grazie. Prezzo: 1,20 €\n\nSeconda parte: città"


def test_latin1_declared_quoted_printable_body_is_decoded():
    assert "così" in parse("winmail_tnef.eml").html


# --- robots, defects and failures -----------------------------------------------------------------------


def test_out_of_office_is_marked_as_a_robot():
    msg = parse("out_of_office.eml")
    assert msg.robot is not None
    assert msg.robot.reason == RobotReason.AUTO_SUBMITTED
    assert msg.robot_headers == {"Auto-Submitted": "auto-replied"}
    assert msg.subject == "Risposta automatica: [#104233] Abbiamo ricevuto la richiesta"


def test_bounce_is_marked_and_its_report_kept():
    msg = parse("bounce_dsn.eml")
    assert msg.robot is not None
    assert msg.robot.reason == RobotReason.BOUNCE
    assert msg.from_address == "MAILER-DAEMON@mx.helpdesk.test"
    names = [attachment.name for attachment in msg.attachments]
    assert names == ["delivery-status.txt", "original-headers.txt"]
    assert b"Status: 5.4.4" in msg.attachments[0].content
    assert "could not\nbe delivered" in msg.text


def test_mailing_list_is_marked_as_a_robot():
    assert parse("mailing_list.eml").robot.reason == RobotReason.LIST


def test_truncated_message_still_parses_and_counts_its_defects():
    msg = parse("truncated.eml")
    assert msg.text == "The connection dropped while sending this."
    assert msg.defects > 0
    assert [attachment.name for attachment in msg.attachments] == ["report.pdf"]


def test_garbage_bytes_are_malformed():
    with pytest.raises(MalformedMessage, match="no headers"):
        parse("garbage.eml")


def test_empty_bytes_are_malformed():
    with pytest.raises(MalformedMessage, match="empty"):
        parse_bytes(b"\r\n\r\n")


def test_raw_size_is_reported():
    assert parse("gmail_reply.eml").raw_size == len(raw("gmail_reply.eml"))


def test_malformed_message_reason_reads_well_for_the_admin():
    with pytest.raises(MalformedMessage) as caught:
        parse("from_two_addresses.eml")
    assert str(caught.value) == "The From header must name exactly one sender. (a@b.example, d@e.example)"
    assert caught.value.detail == "a@b.example, d@e.example"
