"""Splitting a reply from the quoted history below it, for each mail client, in English and Italian."""

from __future__ import annotations

from helpdesk.mail.quotes import split_quoted, split_quoted_html

# --- plain text -----------------------------------------------------------------------------------


def test_english_on_wrote_line_starts_the_history():
    new, quoted = split_quoted(
        "Thanks, it works now.\n\nOn Mon, 3 Mar 2025 at 10:00, Support <support@helpdesk.test> wrote:\n> Try again."
    )
    assert new == "Thanks, it works now."
    assert quoted.startswith("On Mon, 3 Mar 2025")
    assert quoted.endswith("> Try again.")


def test_on_wrote_line_wrapped_over_two_lines_is_recognised():
    new, quoted = split_quoted(
        "Done.\n\nOn Mon, Mar 3, 2025 at 10:00 AM Support <support@helpdesk.test>\nwrote:\n\n> Hi"
    )
    assert new == "Done."
    assert quoted.startswith("On Mon, Mar 3")


def test_italian_il_giorno_ha_scritto_starts_the_history():
    text = (
        "Perfetto, grazie.\n\nIl giorno lun 3 mar 2025 alle ore 10:00 Sportello <\n"
        "support@helpdesk.test> ha scritto:\n\n> Riavvii."
    )
    new, quoted = split_quoted(text)
    assert new == "Perfetto, grazie."
    assert quoted.startswith("Il giorno lun 3 mar")


def test_italian_il_date_ha_scritto_starts_the_history():
    new, quoted = split_quoted("Va bene.\n\nIl 03/03/25 10:05, Sportello Assistenza ha scritto:\n> Giovedì.")
    assert new == "Va bene."
    assert quoted.startswith("Il 03/03/25")


def test_italian_sentence_starting_with_il_is_not_history():
    text = "Il problema persiste.\nIl tecnico non è passato."
    assert split_quoted(text) == (text, "")


def test_on_wrote_without_a_date_or_address_is_not_history():
    text = "On Monday I wrote:\nthe printer is broken."
    assert split_quoted(text) == (text, "")


def test_original_message_separator_starts_the_history():
    new, quoted = split_quoted("See below.\n\n-----Original Message-----\nFrom: Carol\nSent: Monday\n\nHello")
    assert new == "See below."
    assert quoted.startswith("-----Original Message-----")


def test_italian_messaggio_originale_separator_starts_the_history():
    new, quoted = split_quoted("Vedi sotto.\n\n-----Messaggio originale-----\nDa: Carol\nInviato: lunedì\n\nCiao")
    assert new == "Vedi sotto."
    assert quoted.startswith("-----Messaggio originale-----")


def test_outlook_from_sent_block_starts_the_history():
    text = "Fixed, thanks.\n\nFrom: Support <support@helpdesk.test>\nSent: Monday, March 3, 2025 10:00 AM\nTo: Carol"
    new, quoted = split_quoted(text)
    assert new == "Fixed, thanks."
    assert quoted.startswith("From: Support")


def test_italian_outlook_da_inviato_block_starts_the_history():
    text = "Risolto.\n\nDa: Sportello <support@helpdesk.test>\nInviato: lunedì 3 marzo 2025 10:00\nA: Carol"
    new, quoted = split_quoted(text)
    assert new == "Risolto."
    assert quoted.startswith("Da: Sportello")


def test_a_from_line_without_sent_line_is_not_history():
    text = "From: the accounting department\nwe need the invoice again."
    assert split_quoted(text) == (text, "")


def test_outlook_underscore_separator_starts_the_history():
    new, quoted = split_quoted("Ok.\n\n________________________________\nDa: Sportello\nOggetto: Fattura")
    assert new == "Ok."
    assert quoted.startswith("________________________________")


def test_trailing_quote_block_is_history():
    new, quoted = split_quoted("Yes, please.\n\n> Shall we send a technician?\n>\n> Support\n")
    assert new == "Yes, please."
    assert quoted == "> Shall we send a technician?\n>\n> Support"


def test_interleaved_quotes_are_kept_in_the_reply():
    text = "> Is it on?\nYes.\n> Which model?\nLaserJet 4."
    assert split_quoted(text) == (text, "")


def test_whole_message_quoted_stays_the_new_part():
    text = "> only what they wrote before\n> nothing new"
    assert split_quoted(text) == (text, "")


def test_text_without_history_has_empty_quote():
    assert split_quoted("Just a question.\n") == ("Just a question.", "")


# --- HTML -------------------------------------------------------------------------------------------


def test_gmail_quote_container_starts_the_history():
    html = (
        '<div dir="ltr">Thanks!</div><br><div class="gmail_quote gmail_quote_container">'
        '<div class="gmail_attr">On Mon, Mar 3, 2025 at 10:00 AM Support wrote:<br></div>'
        '<blockquote class="gmail_quote">Restart it.</blockquote></div>'
    )
    new, quoted = split_quoted_html(html)
    assert new == '<div dir="ltr">Thanks!</div><br>'
    assert quoted.startswith('<div class="gmail_quote')


def test_gmail_italian_quote_container_starts_the_history():
    html = (
        '<div>Perfetto.</div><div class="gmail_quote"><div class="gmail_attr">Il giorno lun 3 mar 2025 '
        "alle ore 10:00 Sportello ha scritto:<br></div><blockquote>Riavvii.</blockquote></div>"
    )
    new, quoted = split_quoted_html(html)
    assert new == "<div>Perfetto.</div>"
    assert "ha scritto" in quoted


def test_apple_mail_attribution_above_blockquote_cite_starts_the_history():
    html = (
        "Here is the photo.<div><br><div>On 3 Mar 2025, at 09:30, Support &lt;support@helpdesk.test&gt; wrote:</div>"
        '<blockquote type="cite"><div>Send a screenshot?</div></blockquote></div>'
    )
    new, quoted = split_quoted_html(html)
    assert "Here is the photo." in new
    assert "wrote:" not in new
    assert "Send a screenshot?" in quoted


def test_apple_mail_blockquote_cite_alone_starts_the_history():
    new, quoted = split_quoted_html('Sì, grazie.<blockquote type="cite">Vuole il tecnico?</blockquote>')
    assert new == "Sì, grazie."
    assert quoted == '<blockquote type="cite">Vuole il tecnico?</blockquote>'


def test_outlook_web_appendonsend_and_reply_div_start_the_history():
    html = (
        "<div>Buongiorno, la fattura non è arrivata.</div>"
        '<div id="appendonsend"></div><hr style="display:inline-block;width:98%">'
        '<div id="divRplyFwdMsg"><b>Da:</b> Sportello<br><b>Inviato:</b> lunedì 3 marzo 2025</div>'
        "<div>Gentile cliente</div>"
    )
    new, quoted = split_quoted_html(html)
    assert new == "<div>Buongiorno, la fattura non è arrivata.</div>"
    assert quoted.startswith('<div id="appendonsend">')


def test_outlook_reply_div_requoted_with_x_prefix_starts_the_history():
    new, quoted = split_quoted_html('<p>New</p><div id="x_divRplyFwdMsg"><b>From:</b> A</div>')
    assert new == "<p>New</p>"
    assert quoted.startswith('<div id="x_divRplyFwdMsg">')


def test_outlook_desktop_border_top_from_block_starts_the_history():
    html = (
        '<div class="WordSection1"><p class="MsoNormal">Fixed, thanks.</p><p class="MsoNormal">&nbsp;</p>'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        '<p class="MsoNormal"><b>From:</b> Support &lt;support@helpdesk.test&gt;<br>'
        "<b>Sent:</b> Monday, March 3, 2025 10:00 AM<br><b>To:</b> Carol</p></div>"
        '<p class="MsoNormal">Old text</p></div>'
    )
    new, quoted = split_quoted_html(html)
    assert "Fixed, thanks." in new
    assert "From:" not in new
    assert quoted.startswith('<div style="border:none;border-top')


def test_outlook_desktop_italian_da_inviato_block_starts_the_history():
    html = (
        "<p>Risolto, grazie.</p>"
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt"><p><b>Da:</b> Sportello<br>'
        "<b>Inviato:</b> lunedì 3 marzo 2025 10:00<br><b>Oggetto:</b> Stampante</p></div><p>Vecchio</p>"
    )
    new, quoted = split_quoted_html(html)
    assert new == "<p>Risolto, grazie.</p>"
    assert "Inviato:" in quoted


def test_thunderbird_cite_prefix_starts_the_history():
    html = (
        "<p>Va bene, aspetto giovedì.</p>"
        '<div class="moz-cite-prefix">Il 03/03/25 10:05, Sportello ha scritto:<br></div>'
        '<blockquote type="cite" cite="mid:abc@helpdesk.test">Il tecnico passerà giovedì.</blockquote>'
    )
    new, quoted = split_quoted_html(html)
    assert new == "<p>Va bene, aspetto giovedì.</p>"
    assert quoted.startswith('<div class="moz-cite-prefix">')


def test_thunderbird_english_cite_prefix_starts_the_history():
    html = (
        '<p>OK</p><div class="moz-cite-prefix">On 3/3/25 10:05, Support wrote:<br></div>'
        '<blockquote type="cite">x</blockquote>'
    )
    assert split_quoted_html(html)[0] == "<p>OK</p>"


def test_original_message_line_in_html_starts_the_history():
    html = "<p>See below.</p><p>-----Original Message-----<br>From: Carol<br>Sent: Monday</p><p>Hello</p>"
    new, quoted = split_quoted_html(html)
    assert new == "<p>See below.</p>"
    assert quoted.startswith("<p>-----Original Message-----")


def test_on_wrote_line_after_a_br_in_the_same_block_starts_the_history():
    new, quoted = split_quoted_html("<div>Thanks!<br>On 3 Mar 2025, Support wrote:<br>old text</div>")
    assert new == "<div>Thanks!"
    assert quoted.startswith("<br>On 3 Mar 2025")


def test_whole_html_message_quoted_stays_the_new_part():
    html = '<blockquote type="cite">Only the old message</blockquote>'
    assert split_quoted_html(html) == (html, "")


def test_html_reply_that_is_only_an_image_keeps_its_quote_apart():
    html = '<img src="cid:photo@x"><div class="gmail_quote">old</div>'
    assert split_quoted_html(html) == ('<img src="cid:photo@x">', '<div class="gmail_quote">old</div>')


def test_html_without_history_has_empty_quote():
    assert split_quoted_html("<p>Hello</p>") == ("<p>Hello</p>", "")


def test_script_text_never_counts_as_an_attribution():
    html = "<p>Hi</p><script>var s = 'On 3 Mar 2025, x wrote:';</script><p>more</p>"
    assert split_quoted_html(html) == (html, "")
