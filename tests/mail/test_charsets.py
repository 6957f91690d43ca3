"""Charset normalisation: declared, aliased, wrong and unknown charsets all end as readable text."""

from __future__ import annotations

import base64

import pytest

from helpdesk.mail.charsets import codec_for, decode_bytes, decode_header_text, encoded_words_as_utf8, repair

PERCHE = "Perché costa 10 €? “Grazie”"


def test_declared_charset_that_decodes_cleanly_is_used():
    assert decode_bytes("città".encode("iso-8859-15"), "iso-8859-15") == "città"


def test_utf8_declared_on_windows_1252_bytes_falls_back_to_windows_1252():
    assert decode_bytes(PERCHE.encode("cp1252"), "utf-8") == PERCHE


def test_latin1_label_decodes_windows_1252_quotes_and_euro():
    assert decode_bytes(PERCHE.encode("cp1252"), "iso-8859-1") == PERCHE


def test_us_ascii_label_on_8bit_bytes_is_read_as_windows_1252():
    assert decode_bytes("caffè".encode("cp1252"), "us-ascii") == "caffè"


def test_latin1_label_on_utf8_bytes_is_read_as_utf8():
    assert decode_bytes(PERCHE.encode("utf-8"), "iso-8859-1") == PERCHE


def test_ks_c_5601_1987_decodes_korean_beyond_euc_kr():
    korean = "똠방각하, 프린터가 고장났어요"  # 똠 exists only in the Windows-949 extension
    assert decode_bytes(korean.encode("cp949"), "ks_c_5601-1987") == korean


def test_gb2312_label_decodes_gbk_characters():
    chinese = "朱镕基，打印机坏了"  # 镕 is GBK, not GB2312
    assert decode_bytes(chinese.encode("gbk"), "gb2312") == chinese


def test_unknown_charset_tries_utf8_first():
    assert decode_bytes("Un caffè, 1,20 €".encode(), "x-foo") == "Un caffè, 1,20 €"


def test_unknown_charset_on_legacy_bytes_falls_back_to_windows_1252():
    assert decode_bytes("città".encode("latin-1"), "x-foo") == "città"


def test_bytes_undefined_in_windows_1252_end_as_latin_1_not_replacement_characters():
    text = decode_bytes(b"\x81\x8d\xe9", None)
    assert text == "\x81\x8dé"
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("Windows-1252", "cp1252"),
        ("win-1250", "cp1250"),
        ("x-cp1251", "cp1251"),
        ("UTF8", "utf-8"),
        ('"utf-8"', "utf-8"),
        ("utf-8*it", "utf-8"),
        ("ks_c_5601-1987", "cp949"),
        ("GB_2312-80", "gbk"),
        ("x-mac-roman", "mac-roman"),
        ("x-mac-ce", "mac-latin2"),
        ("x-mac-arabic", "mac-roman"),
        ("shift_jis", "cp932"),
        ("unicode-1-1-utf-7", "utf-7"),
    ],
)
def test_charset_aliases_map_to_the_codec_that_really_decodes_them(label, codec):
    assert codec_for(label) == codec


@pytest.mark.parametrize(
    "label", ["unicode_escape", "raw-unicode-escape", "idna", "punycode", "rot13", "hex", "base64"]
)
def test_codecs_that_interpret_their_input_are_never_used(label):
    assert codec_for(label) is None


def test_unicode_escape_declared_does_not_turn_escapes_into_markup():
    assert decode_bytes(b"\\x3cscript\\x3e", "unicode_escape") == "\\x3cscript\\x3e"


def test_utf7_is_decoded_as_text_that_the_sanitiser_then_sees():
    assert decode_bytes(b"Hi +AOk-", "utf-7") == "Hi é"


def test_byte_order_mark_is_dropped():
    assert decode_bytes("\ufeffciao".encode(), "utf-8") == "ciao"


def test_encoded_words_in_headers_are_decoded_and_whitespace_folded():
    value = "=?utf-8?Q?Perch=C3=A9?=   =?iso-8859-1?Q?_costa?=\r\n  tanto?"
    assert decode_header_text(value) == "Perché costa tanto?"


def test_encoded_words_split_inside_a_multibyte_character_are_joined_before_decoding():
    data = "打印机问题".encode("gbk")
    first, second = base64.b64encode(data[:3]).decode(), base64.b64encode(data[3:]).decode()
    assert decode_header_text(f"=?gb2312?B?{first}?= =?gb2312?B?{second}?=") == "打印机问题"


def test_encoded_word_with_unknown_charset_in_header_is_still_read():
    assert decode_header_text("=?x-foo?Q?Caff=C3=A8?=") == "Caffè"


def test_raw_8bit_header_bytes_are_repaired():
    assert repair("perch\udcc3\udca9 / cos\udcec") == "perché / così"


def test_control_characters_are_removed_from_headers():
    assert decode_header_text("=?utf-8?Q?a=00b=1Bc?=") == "a b c"


def test_encoded_words_are_reencoded_not_decoded_before_address_parsing():
    value = encoded_words_as_utf8("=?iso-8859-1?Q?a=40b.c=2C_d=40e.f?= <x@y.z>")
    assert value.endswith(" <x@y.z>")
    assert "," not in value
    assert "@b" not in value
