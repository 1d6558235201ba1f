"""Read a rendered form back into POST data, as a browser would submit it unchanged; and two
browsers saving what they opened one after the other (the edit-conflict tests)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._in_template = 0

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "template":
            self._in_template += 1
        if self._in_template:
            return  # the empty form a script clones: not submitted
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self._add(name, attributes.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._add(name, attributes.get("value", "") or "")
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attributes.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attributes and not self._select_chosen:
                self._add(self._select, value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._add(self._select, self._select_first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def form_data(html: str) -> dict[str, list[str]]:
    """Every named field of the page with the value it would be submitted with."""
    reader = _FormReader()
    reader.feed(html)
    return reader.data


def post_data(html: str, **changes) -> dict:
    """form_data flattened for django.test.Client.post, with some fields changed."""
    data = {name: values if len(values) > 1 else values[0] for name, values in form_data(html).items()}
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return data


def opened(client, url: str) -> str:
    """The page at url as a browser opens it (status 200): its HTML, to post back with post_data."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def save_after_another_save(saver, other, changes: dict, other_changes: dict):
    """`saver` and `other` ((client, url) each) open their pages; `other` saves its changes
    (redirected: saved), then `saver` saves its own from the page it opened before. Returns the
    response to that last save."""
    (saver_client, saver_url), (other_client, other_url) = saver, other
    saver_page, other_page = opened(saver_client, saver_url), opened(other_client, other_url)
    assert other_client.post(other_url, post_data(other_page, **other_changes)).status_code == 302
    return saver_client.post(saver_url, post_data(saver_page, **changes))


def save_after_the_other(two_clients, url: str, changes: dict, other_changes: dict):
    """save_after_another_save on one page: the second of `two_clients` saves, then the first."""
    first, second = two_clients
    return save_after_another_save((first, url), (second, url), changes, other_changes)
