"""Hostile inputs, built once and shared by the form, query-string and API tests.

Each payload is named, so a failure says which input broke which field. Form posts carry text
(a browser can send nothing else); the API also gets wrong JSON types. Lone surrogates cannot be
encoded as UTF-8, so forms receive the raw bytes a hostile client would send (CESU-8 / invalid
UTF-8) and the API receives the JSON escape "\\ud800".
"""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

MEGABYTE = 1024 * 1024

# The markers a test looks for in rendered HTML: the raw form must never appear, only the escaped one.
SCRIPT_PAYLOAD = "<script>alert('xss-1')</script>"
ATTRIBUTE_PAYLOAD = '"><img src=x onerror=alert(2)>'

# Free text: every payload goes into every text field.
TEXT: dict[str, str] = {
    "nul": "before\x00after",
    "huge_1mb": "x" * MEGABYTE,
    "rtl_override": "abc\u202eexe.gnp",
    "combining": "Z" + "\u0301\u0300\u0302" * 300,
    "emoji": "👩‍👩‍👧‍👦🎉🏳️‍🌈",
    "zero_width": "a\u200bb\u200c\u200dc\ufeff",
    "control_chars": "a\x01\x07\x1b[31mb\x7f",
    "whitespace_only": " \t\n\u00a0\u3000",
    "html_script": SCRIPT_PAYLOAD,
    "html_attribute": ATTRIBUTE_PAYLOAD,
    "template_injection": "{{ request.user.password }}{% debug %}",
    "sql_quote": "'; DROP TABLE influencers_influencer; --",
    "crlf": "a\r\nSet-Cookie: evil=1",
}

# Numbers as a form or query string sends them.
NUMBERS: dict[str, str] = {
    "negative": "-1",
    "negative_huge": "-" + "9" * 40,
    "huge": "9" * 40,
    "very_huge": "9" * 5000,
    "exponent_overflow": "1e999999",
    "nan": "NaN",
    "infinity": "Infinity",
    "minus_infinity": "-Infinity",
    "hex": "0x10",
    "arabic_digits": "١٢٣",
    "fraction_for_integer": "1.5",
    "int64_overflow": str(2**63),
    "word": "abc",
    "nul": "1\x00",
}

# A few payloads for choices, dates, booleans, e-mail and URL fields: type confusion and the
# inputs that break databases, not every text payload.
GENERIC: dict[str, str] = {
    "nul": "\x00",
    "huge": "x" * 100_000,
    "html_script": SCRIPT_PAYLOAD,
    "huge_number": "9" * 40,
    "word": "not-a-value",
}

DATES: dict[str, str] = {
    "year_zero": "0000-01-01",
    "year_huge": "99999-01-01",
    "feb_30": "2024-02-30",
    "negative_year": "-0001-01-01",
    "nul": "2025-01-01\x00",
    "number": "9" * 40,
}

# Query-string values that need raw bytes: invalid UTF-8 and a UTF-16 surrogate encoded as UTF-8.
RAW_QUERY_BYTES: dict[str, str] = {
    "lone_surrogate": "%ED%A0%80",
    "invalid_utf8": "%C3%28%FF%FE",
}

# Payloads whose acceptance is followed by a look at the pages that show the stored value.
SHOWN_PAYLOADS = frozenset({"html_script", "html_attribute", "template_injection", "rtl_override", "combining"})

# JSON values of the wrong type, for every API input field.
JSON_WRONG_TYPES: dict[str, object] = {
    "null": None,
    "true": True,
    "list": ["a"],
    "object": {"a": 1},
    "float": 1.5,
    "int": 7,
    "numeric_string": "7",
    "huge_int": 10**40,
    "negative_int": -1,
}

# JSON texts that json.dumps cannot produce (sent as the raw body).
RAW_JSON_VALUES: dict[str, str] = {
    "nan": "NaN",
    "infinity": "Infinity",
    "minus_infinity": "-Infinity",
    "lone_surrogate": '"a\\ud800b"',
    "huge_exponent": "1e999999",
}


# --- images --------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pixel_bomb_png(side: int = 50_000) -> bytes:
    """A few hundred bytes whose header declares side × side pixels (2.5 gigapixels at 50,000)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    # One compressed row of zeros is enough for a decoder to start; the header is what matters.
    data = zlib.compress(b"\x00" * (side * 3 + 1))
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def valid_png(side: int = 8) -> bytes:
    out = BytesIO()
    Image.new("RGB", (side, side), "red").save(out, format="PNG")
    return out.getvalue()


def images() -> dict[str, SimpleUploadedFile]:
    """Fresh upload objects (a test client reads each once)."""
    png = valid_png()
    gif = BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    return {
        "text_named_png": SimpleUploadedFile("avatar.png", b"this is not an image\n" * 10, "image/png"),
        "html_named_png": SimpleUploadedFile("avatar.png", SCRIPT_PAYLOAD.encode(), "image/png"),
        "truncated_png": SimpleUploadedFile("avatar.png", png[: len(png) // 2], "image/png"),
        "header_only_png": SimpleUploadedFile("avatar.png", png[:33], "image/png"),
        "pixel_bomb_png": SimpleUploadedFile("bomb.png", pixel_bomb_png(), "image/png"),
        "empty_file": SimpleUploadedFile("empty.png", b"", "image/png"),
        "gif_not_allowed": SimpleUploadedFile("anim.gif", gif.getvalue(), "image/gif"),
        "too_large": SimpleUploadedFile("big.png", png + b"\x00" * (2 * MEGABYTE + 1), "image/png"),
        "svg_script": SimpleUploadedFile(
            "avatar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"
        ),
    }


def payloads_for_field(kind: str) -> dict[str, str]:
    """Which payloads a field of this kind gets (all text on text, all numbers on numbers)."""
    if kind == "text":
        return TEXT
    if kind == "number":
        return NUMBERS
    if kind == "date":
        return DATES
    return GENERIC
