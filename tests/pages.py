"""Reading a page as a person sees it."""

import html
import re


def text_of(response) -> str:
    """The page's visible text: tags removed, entities decoded, white space folded to one space."""
    without_tags = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(without_tags))
