import re

_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def whole_number(text: str) -> int | None:
    """The number an officer typed (ASCII digits, up to 999,999,999), else None.

    str.isdigit() accepts '²' and int() then fails; a 20-digit ref overflows the database.
    """
    text = text.strip()
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None
