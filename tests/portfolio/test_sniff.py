"""Encodings told from an export's first bytes: Windows-1251 as Russian Excel saves it told at
once, other Cyrillic and Western single-byte encodings by charset-normalizer."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from engine.portfolio.sniff import SAMPLE, encoding_of

BITRIX = Path(__file__).parents[1] / "data" / "crm" / "bitrix24"
SAMPLE_CSV = BITRIX / "bitrix24_deals_2026-12-07.csv"


def russian(encoding: str) -> bytes:
    text = SAMPLE_CSV.read_bytes().decode("cp1251")
    return text.encode(encoding, errors="replace")[:SAMPLE]


@pytest.mark.parametrize(("encoding", "named"), [
    ("cp1251", "windows-1251"), ("koi8_r", "koi8-r"), ("mac_cyrillic", "mac-cyrillic"),
    ("utf-8", "utf-8")])
def test_a_russian_export_s_encoding(encoding: str, named: str) -> None:
    assert encoding_of(russian(encoding)) == named
    assert encoding_of(codecs.BOM_UTF8 + russian("utf-8")) == "utf-8-sig"


def test_western_text_is_no_russian_excel() -> None:
    text = "id;name\n1;Café crème, naïve\n2;Zürich résumé à la carte\n" * 8
    assert encoding_of(text.encode("cp1252")) == "windows-1252"
