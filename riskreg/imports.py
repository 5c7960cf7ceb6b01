"""What the commitments and risks imports share: the changes a preview lists, and the
previewed file kept in the session until it is confirmed."""

import base64
from dataclasses import dataclass


@dataclass
class FieldChange:
    field: str
    before: str
    after: str


def remember_preview(request, key: str, name: str, content: bytes, result) -> None:
    """Keep the previewed file for its confirmation, or forget any earlier one.

    `result` needs is_valid, has_changes and digest(): the digest lets the confirmation
    check that the import still does what the preview showed.
    """
    request.session.pop(key, None)
    if result.is_valid and result.has_changes:
        request.session[key] = {
            "name": name,
            "content": base64.b64encode(content).decode("ascii"),
            "digest": result.digest(),
        }


def previewed_file(request, key: str) -> tuple[str, bytes, str] | None:
    """(file name, content, digest of the previewed changes), or None."""
    pending = request.session.get(key)
    if not pending:
        return None
    return pending["name"], base64.b64decode(pending["content"]), pending["digest"]


def forget_preview(request, key: str) -> None:
    request.session.pop(key, None)
