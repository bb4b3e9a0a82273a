"""The forms, inputs and buttons of a saved page, as lists of attribute
dictionaries in page order: what a browser would send from it."""
import html.parser


class _Controls(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.inputs, self.buttons = [], [], []

    def handle_starttag(self, tag, attrs):
        got = {"form": self.forms, "input": self.inputs, "button": self.buttons}.get(tag)
        if got is not None:
            got.append(dict(attrs))


def controls(path):
    p = _Controls()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p.forms, p.inputs, p.buttons
