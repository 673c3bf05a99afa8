"""Which files a submission accepts: the document types institutes work with, within size."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ALLOWED_EXTENSIONS = (
    "pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "ppt", "pptx", "jpg", "jpeg", "png",
)  # fmt: skip
BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024
"""Telegram's cloud Bot API lets a bot fetch files up to 20 MB; a local server lifts it."""
LOCAL_SERVER_LIMIT = 2000 * 1024 * 1024


class FileProblem(StrEnum):
    TYPE = "type"
    SIZE = "size"


@dataclass(frozen=True)
class IncomingFile:
    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    size: int


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check(file: IncomingFile, local_server: bool) -> FileProblem | None:
    if extension(file.file_name) not in ALLOWED_EXTENSIONS:
        return FileProblem.TYPE
    limit = LOCAL_SERVER_LIMIT if local_server else BOT_DOWNLOAD_LIMIT
    if file.size > limit:
        return FileProblem.SIZE
    return None


def allowed_list() -> str:
    return "PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, PPT/PPTX, JPG/PNG"
