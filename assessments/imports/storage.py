"""Keeping an uploaded file between the check and the save, under a random name."""

import datetime
import re
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils import timezone

from .readers import file_kind

UPLOAD_FOLDER = "imports"


def store_upload(storage: Storage, *, name: str, content: bytes) -> str:
    """Save the file under a random name; only that name is handed around."""
    extension = ".xlsx" if file_kind(name) == "xlsx" else ".csv"
    return storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}{extension}", ContentFile(content))


def is_stored_upload_name(name: str) -> bool:
    return bool(re.fullmatch(rf"{UPLOAD_FOLDER}/[0-9a-f]{{32}}\.(csv|xlsx)", name or ""))


def delete_stale_uploads(storage: Storage, *, older_than: datetime.timedelta) -> int:
    """Remove uploads left behind by checks that were never saved or cancelled."""
    try:
        _folders, files = storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - older_than
    removed = 0
    for file_name in files:
        path = f"{UPLOAD_FOLDER}/{file_name}"
        if is_stored_upload_name(path) and storage.get_created_time(path) < limit:
            storage.delete(path)
            removed += 1
    return removed


def remember_upload(session, key: str, *, path: str, name: str) -> dict:
    """Keep a stored upload in the session under ``key``, with a token the confirmation
    form must send back (so a confirmation from another tab's check is refused)."""
    pending = {"path": path, "name": name[:200], "token": uuid.uuid4().hex}
    session[key] = pending
    return pending


def pending_upload(session, key: str) -> dict | None:
    """The upload kept under ``key``, if the session holds a well-formed one."""
    pending = session.get(key)
    if not isinstance(pending, dict) or not is_stored_upload_name(pending.get("path")):
        return None
    if not isinstance(pending.get("token"), str) or not pending["token"]:
        return None
    return pending


def discard_upload(session, key: str, storage: Storage) -> None:
    """Forget the upload kept under ``key`` and delete its file."""
    pending = pending_upload(session, key)
    session.pop(key, None)
    if pending:
        storage.delete(pending["path"])
