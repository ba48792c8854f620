"""NewsML-G2 documents written for the tests, in the shapes of IPTC's examples
(github.com/iptc/newsml-g2, ``examples/``): a text ``newsItem`` with a NITF
body (LISTING 2), one with XHTML (LISTING 27's ``inlineXML``), pictures,
and a ``newsMessage`` carrying items (LISTING 24). The text is invented."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

__all__ = ["PARAGRAPHS", "QUOTE", "TEXT", "message", "news_item", "nitf", "xhtml"]

QUOTE = "\u201cWe will rebuild the bridge by spring,\u201d the mayor said."
PARAGRAPHS = (
    "The river bridge closed on Monday after engineers found cracks.",
    QUOTE,
    'Residents were sceptical. "We have heard that before," said Ana Ruiz, a baker.',
)
TEXT = "\n\n".join(PARAGRAPHS)


def nitf(paragraphs: tuple[str, ...] = PARAGRAPHS, *, hl1: str = "", byline: str = "") -> str:
    """An NITF document as agencies indent it: every paragraph wrapped over
    several lines."""
    head = ""
    if hl1 or byline:
        head = (
            "<body.head>"
            + (f"<hedline><hl1>{escape(hl1)}</hl1></hedline>" if hl1 else "")
            + (f"<byline>{escape(byline)}</byline>" if byline else "")
            + "</body.head>"
        )
    body = "".join(
        "\n              <p>" + escape(p).replace(" ", "\n                 ", 2) + "</p>"
        for p in paragraphs
    )
    return (
        '<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body>'
        f"{head}<body.content>{body}\n            </body.content></body></nitf>"
    )


def xhtml(inner: str) -> str:
    return f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>{inner}</body></html>'


def news_item(
    guid: str,
    *,
    version: str = "1",
    item_class: str = "ninat:text",
    content: str | None = None,
    contenttype: str = "application/nitf+xml",
    headline: str = "Bridge to reopen by spring",
    provider: str = '<provider qcode="nprov:RIVERWIRE"><name>Riverton Wire</name></provider>',
    content_meta: str = "",
    version_created: str = "2026-03-02T10:00:00-05:00",
    namespace: bool = True,
) -> str:
    """A ``newsItem`` (no XML declaration: it may sit in a message)."""
    xmlns = ' xmlns="http://iptc.org/std/nar/2006-10-01/"' if namespace else ""
    inline = content if content is not None else nitf()
    rendition = f'<inlineXML contenttype="{contenttype}">{inline}</inlineXML>' if inline else ""
    return (
        f"<newsItem{xmlns} guid={quoteattr(guid)} version={quoteattr(version)} "
        'standard="NewsML-G2" standardversion="2.35" conformance="power" xml:lang="en-GB">'
        '<catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_32.xml"/>'
        "<rightsInfo><copyrightHolder><name>Riverton Wire Ltd</name></copyrightHolder></rightsInfo>"
        f'<itemMeta><itemClass qcode="{item_class}"/>{provider}'
        f"<versionCreated>{version_created}</versionCreated>"
        "<firstCreated>2026-03-01T09:00:00Z</firstCreated>"
        '<pubStatus qcode="stat:usable"/><service qcode="svc:uk"><name>UK</name></service>'
        '<link rel="irel:seeAlso" href="http://www.example.com/video/1"/></itemMeta>'
        "<contentMeta><contentCreated>2026-03-01T08:00:00Z</contentCreated>"
        '<located qcode="geo:1"><name>Riverton</name></located>'
        '<creator uri="http://www.example.com/staff/lp"><name>Lee Park</name></creator>'
        '<subject type="cpnat:abstract" qcode="medtop:04000000"><name>economy</name></subject>'
        f"<slugline>Bridge</slugline><headline>{escape(headline)}</headline>{content_meta}"
        f"</contentMeta><contentSet>{rendition}</contentSet></newsItem>"
    )


def message(*items: str) -> str:
    """A ``newsMessage`` carrying ``items`` (and a package referring to them)."""
    refs = "".join(f'<itemRef residref="r{n}"/>' for n in range(len(items)))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header>'
        "<sent>2026-03-02T11:17:00.150Z</sent><sender>wire.example</sender>"
        "<transmitId>tag:wire.example,2026:1</transmitId><priority>4</priority></header>"
        f"<itemSet><packageItem>{refs}</packageItem>{''.join(items)}</itemSet></newsMessage>"
    )
