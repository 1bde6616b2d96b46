"""An uploaded workbook is measured before it is parsed: no bomb gets to openpyxl.

An .xlsx is a zip of XML parts. A part can unpack to a thousand times its size (a 1 MB
shared-strings table held a request for 86 s and grew the server by 700 MB), and XML can
declare entities that expand or fetch. So, reading only the zip's directory and the start
of each part: the parts, their unpacked sizes and ratios are capped, and a part that
declares a DTD is refused. Rows and columns are capped as the sheet is read (reader.py).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from server.ledger.errors import LedgerFileError

NOT_XLSX = "无法读取该文件，请上传 .xlsx 格式的台账 / Not an .xlsx workbook."
TOO_BIG = "文件解压后过大，请拆分后分批导入 / The workbook unpacks too large: split it and import in parts."
HAS_DTD = "文件含有不允许的 XML 声明（DTD/实体），请用 Excel 另存为 .xlsx 后重试 / The file declares XML entities: save it again from Excel."
# Where the root element starts; a DTD can only come before it.
ROOT_START = re.compile(rb"<(?![?!])[A-Za-z_]")
DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
PROLOG_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    parts: int = 500
    unpacked_bytes: int = 200 * 1024 * 1024
    shared_strings_bytes: int = 24 * 1024 * 1024
    ratio: int = 200  # unpacked / packed, for parts of over a megabyte
    rows: int = 100_000
    columns: int = 60


def check(source, limits: Limits) -> None:
    """Raise LedgerFileError unless ``source`` (a path or a seekable file) is a workbook within ``limits``."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LedgerFileError(NOT_XLSX) from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.parts or sum(m.file_size for m in members) > limits.unpacked_bytes:
            raise LedgerFileError(TOO_BIG)
        for member in members:
            if member.file_size > 1024 * 1024 and member.file_size > limits.ratio * max(
                member.compress_size, 1
            ):
                raise LedgerFileError(TOO_BIG)
            if (
                member.filename.endswith("sharedStrings.xml")
                and member.file_size > limits.shared_strings_bytes
            ):
                raise LedgerFileError(TOO_BIG)
            if member.filename.endswith((".xml", ".rels", ".vml")):
                _refuse_declarations(archive, member)
    if hasattr(source, "seek"):
        source.seek(0)


def _refuse_declarations(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    try:
        with archive.open(member) as part:
            prolog = part.read(PROLOG_BYTES)
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
        raise LedgerFileError(NOT_XLSX) from exc
    root = ROOT_START.search(prolog)
    head = prolog[: root.start()] if root else prolog
    if DECLARATION.search(head) or (root is None and len(prolog) == PROLOG_BYTES):
        raise LedgerFileError(HAS_DTD)
