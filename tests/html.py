"""Read a page as a person would: the text of its tables, cell by cell."""

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell, self._depth = [], None, None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(content) -> list[list[list[str]]]:
    """Every table of the page: a list of rows, each a list of cell texts (header row first)."""
    parser = _Tables()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    return parser.tables


class _TaskLists(HTMLParser):
    """Each GOV.UK task list item: its name, link, hint (with the links in it) and status."""

    def __init__(self):
        super().__init__()
        self.items, self._part, self._depth = [], None, 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if "govuk-task-list__item" in classes:
            self.items.append({"name": "", "href": "", "hint": "", "status": "", "links": []})
        elif not self.items:
            return
        elif "govuk-task-list__link" in classes:
            self.items[-1]["href"] = dict(attrs)["href"]
        elif "govuk-task-list__name-and-hint" in classes:
            self._part, self._depth = "name", 0
        elif "govuk-task-list__hint" in classes:
            self._part, self._depth = "hint", 0
        elif "govuk-task-list__status" in classes:
            self._part, self._depth = "status", 0
        elif tag == "a" and self._part == "hint":
            self.items[-1]["links"].append(dict(attrs)["href"])
        if self._part and tag not in ("br", "input"):
            self._depth += 1

    def handle_endtag(self, tag):
        if self._part:
            self._depth -= 1
            if self._depth == 0:
                self._part = None

    def handle_data(self, data):
        if self._part:
            item = self.items[-1]
            item[self._part] = " ".join(f"{item[self._part]} {data}".split())


def task_list_items(content) -> list[dict]:
    """Every task list item of the page: {"name", "href", "hint", "status", "links"}."""
    parser = _TaskLists()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    return parser.items


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text(content) -> str:
    """The page's words as a reader sees them, each run of spaces and lines one space."""
    parser = _Text()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    return " ".join(" ".join(parser.parts).split())
