"""Turning the bytes of a mail into text whatever charset it claims, the way mature mail clients do.

Mail in the wild declares charsets that Python does not know (``x-foo``), knows under another name
(``ks_c_5601-1987``, ``x-mac-roman``) or gets wrong (``utf-8`` on Windows-1252 bytes). A strict decode
with the declared charset comes first; when it fails we fall back to UTF-8, then Windows-1252, then
Latin-1 (which never fails), so a message always becomes readable text and never replacement garbage.
Codecs that interpret their input (``unicode_escape``, ``idna`` ...) are never used, whatever is declared.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re

# Labels mail clients send, mapped to the codec that really decodes them. Most follow the WHATWG
# Encoding Standard (what browsers and Thunderbird do): ISO-8859-1 and US-ASCII mean Windows-1252,
# GB2312 means GBK, EUC-KR and KS C 5601 mean Windows-949, Shift_JIS means Windows-932.
_ALIASES = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "iso-8859-8-i": "iso8859_8",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ks_c_5601-1989": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "euc-kr": "cp949",
    "x-windows-949": "cp949",
    "gb2312": "gbk",
    "gb_2312-80": "gbk",
    "gb_2312": "gbk",
    "csgb2312": "gbk",
    "chinese": "gbk",
    "x-gbk": "gbk",
    "euc-cn": "gbk",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "iso-2022-jp": "iso2022_jp_2",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "x-mac-ce": "mac_latin2",
    "x-mac-centraleurroman": "mac_latin2",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-mac-ukrainian": "mac_cyrillic",
    "x-mac-greek": "mac_greek",
    "x-mac-turkish": "mac_turkish",
    "x-mac-icelandic": "mac_iceland",
}
_WINDOWS = re.compile(r"^(?:x-)?(?:windows|win|cp|ms)[-_]?(125\d|874|932|936|949|950)$")
# Codec names (as codecs.lookup spells them) that are not charsets: they interpret escapes or
# transform text, or they can never decode. unicode_escape would turn "\x3c" in a mail into "<".
_REFUSED = frozenset(
    {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "palmos", "charmap", "unicode-internal"}
)
# The single-byte charsets that UTF-8 text is most often mislabelled as.
_SINGLE_BYTE = frozenset({"cp1250", "cp1252", "cp1254", "iso8859-1", "iso8859-15", "ascii"})
_LABEL = re.compile(r"^[a-z0-9._:+-]{1,40}$")
_ENCODED_WORD = re.compile(r"=\?([!->@-~]+)\?([qQbB])\?([!->@-~]*)\?=")  # printable ASCII but "?"
_SURROGATES = re.compile("[\udc80-\udcff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def codec_for(declared: str | None) -> str | None:
    """The Python codec that decodes text labelled ``declared``, or None when the label is unusable."""
    label = (declared or "").strip().strip("\"'").lower()
    label = label.split("*", 1)[0]  # RFC 2231 language suffix: "utf-8*it"
    if not _LABEL.match(label):
        return None
    windows = _WINDOWS.match(label)
    if windows:
        return f"cp{windows.group(1)}"
    if label.startswith("x-mac-") and label not in _ALIASES:
        label = "x-mac-roman"  # the other Mac scripts are rare in mail; Roman at least keeps ASCII
    name = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return info.name


def decode_bytes(data: bytes, declared: str | None) -> str:
    """``data`` as text: the declared charset if it decodes cleanly, else UTF-8, Windows-1252, Latin-1."""
    codec = codec_for(declared)
    if codec in _SINGLE_BYTE and not data.isascii() and _is_utf8(data):
        # Valid multi-byte UTF-8 almost never happens by chance in Latin text: the label is wrong.
        codec = "utf-8"
    if codec is not None:
        try:
            return _strip_bom(data.decode(codec))
        except UnicodeDecodeError:
            pass
    return _fallback(data)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _fallback(data: bytes) -> str:
    for codec in ("utf-8", "cp1252"):
        try:
            return _strip_bom(data.decode(codec))
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _strip_bom(text: str) -> str:
    return text.removeprefix("\ufeff")


def repair(text: str) -> str:
    """Decode raw bytes the email package left as surrogate escapes (8-bit headers, unknown charsets)."""
    return _SURROGATES.sub(lambda run: _fallback(run.group().encode("utf-8", "surrogateescape")), text)


def decode_header_text(value: str) -> str:
    """An unstructured header (Subject) as one line of text: encoded words decoded, whitespace folded.

    Adjacent encoded words in the same charset are joined as bytes before decoding, because mailers
    split long CJK subjects in the middle of a multi-byte character.
    """
    pieces: list[str] = []
    pending: list[tuple[str | None, bytes]] = []  # runs of encoded words: (charset, bytes)
    position = 0
    for word in _ENCODED_WORD.finditer(value):
        between = value[position : word.start()]
        if between.strip() or not pending:
            _flush(pending, pieces)
            pieces.append(repair(between))
        charset, raw = word.group(1), _decode_word(word.group(2), word.group(3))
        if pending and pending[-1][0] == charset.lower():
            pending[-1] = (charset.lower(), pending[-1][1] + raw)
        else:
            pending.append((charset.lower(), raw))
        position = word.end()
    _flush(pending, pieces)
    pieces.append(repair(value[position:]))
    return " ".join(_CONTROL.sub(" ", "".join(pieces)).split())


def _flush(pending: list[tuple[str | None, bytes]], pieces: list[str]) -> None:
    pieces.extend(decode_bytes(raw, charset) for charset, raw in pending)
    pending.clear()


def _decode_word(encoding: str, payload: str) -> bytes:
    data = payload.encode("ascii", "surrogateescape")
    if encoding in "bB":
        try:
            return base64.b64decode(data + b"=" * (-len(data) % 4))
        except (binascii.Error, ValueError):
            return data
    return quopri.decodestring(data.replace(b"_", b" "), header=True)


def encoded_words_as_utf8(value: str) -> str:
    """``value`` with every encoded word re-encoded in UTF-8 after decoding it with our charset rules.

    Used on address headers before the email package parses their structure: the structure (where a
    display name ends and an address begins) stays the same, only the charset becomes one it reads.
    """

    def reencode(word: re.Match[str]) -> str:
        text = decode_bytes(_decode_word(word.group(2), word.group(3)), word.group(1))
        return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="

    return _ENCODED_WORD.sub(reencode, value)
