"""Helpers and hand-written article shapes shared by the core tests.

Articles here are written for the tests (not copied from the labelled corpus),
in the shapes newsroom copy actually takes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from service.core import Quote, extract_quotes


def quote_texts(text: str) -> list[str]:
    """The quotations ``extract_quotes`` finds, checking the offset contract."""
    quotes = extract_quotes(text)
    assert_well_formed(text, quotes)
    return [q.text for q in quotes]


def assert_well_formed(text: str, quotes: Sequence[Quote]) -> None:
    """Every quote is its own slice of the text; quotes are ordered and disjoint."""
    previous_end = -1
    for q in quotes:
        assert text[q.start : q.end] == q.text
        assert 0 <= q.start < q.end <= len(text)
        assert q.start >= previous_end, f"{q!r} overlaps the previous quote"
        previous_end = q.end


_SUBJECTS = [
    "The council",
    "Transport officials",
    "The regional authority",
    "Residents of the valley",
    "The ministry",
    "Local businesses",
    "The coastguard",
    "Union leaders",
]
_VERBS = [
    "reviewed the figures on",
    "raised concerns about",
    "published a report on",
    "met again to discuss",
    "set aside funds for",
    "held a public hearing on",
]
_OBJECTS = [
    "the flood defences along the river",
    "the closure of the northern rail line",
    "rising rents in the old town",
    "the budget for road repairs",
    "delays at the container port",
    "the new housing estate near the airport",
]
_TAILS = [
    "after weeks of heavy rain.",
    "ahead of the winter season.",
    "following complaints from commuters.",
    "despite opposition from some members.",
    "for the third time this year.",
]
_SPEAKERS = [
    "said council leader Maria Okonkwo",
    "said Tom Beckett, a spokesman for the ministry",
    "a coastguard officer said",
    "said Priya Raman, who runs a bakery on the high street",
    "union organiser Gary Lund said",
]
_QUOTES = [
    "We cannot keep patching the same roads every spring and calling it a plan",
    "Nobody told us the line would close until the notices went up",
    "The money is there, it simply has not been spent where it is needed",
    "We are asking for a straight answer and we have not had one",
    "This is the worst season we have seen in twenty years",
    "If the port stays this slow, the shelves will be empty by December",
    "We will keep the pressure on until the council listens",
]


def long_article(n_words: int = 5000, *, seed: int = 7) -> tuple[str, list[str]]:
    """A deterministic ``n_words``-word article and the quotes planted in it.

    Paragraphs of plain reporting alternate with attributed quotes in straight
    and curly marks, with apostrophes in the narrative (``the council's``,
    ``'90s``) so that no stray mark can pair across paragraphs.
    """
    rng = random.Random(seed)
    paragraphs: list[str] = ["Flood defences and road repairs top the council's agenda"]
    planted: list[str] = []
    words = 0
    i = 0
    while words < n_words:
        i += 1
        sentences = [
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_TAILS)}"
            for _ in range(rng.randint(2, 4))
        ]
        if i % 5 == 0:
            sentences.append("It's the town's worst spell since the '90s, residents say.")
        paragraphs.append(" ".join(sentences))
        if i % 2 == 0:
            quote = f"{rng.choice(_QUOTES)} (no. {i})"
            who = rng.choice(_SPEAKERS)
            if i % 4 == 0:
                paragraphs.append(f"“{quote},” {who}.")
            else:
                paragraphs.append(f'"{quote}," {who}.')
            planted.append(f"{quote},")
        words = sum(len(p.split()) for p in paragraphs)
    return "\n\n".join(paragraphs), planted


# Two outlets on one (invented) story: a wire version and a regional paper's
# rewrite with its own reporting, curly marks and a split statement.
WIRE = """Dockers walk out as port talks collapse

ROTTERDAM, Netherlands (AP) — Dock workers at Europe's busiest port walked off the job \
Thursday after talks over automation broke down, leaving hundreds of ships waiting offshore.

"We did not want this strike, but the company left us no choice," said union leader \
Marieke de Vries. "Every offer they made cut jobs."

The port authority called the walkout "deeply irresponsible" and said it would seek a \
court order.

"Ships are already diverting to Antwerp and Hamburg. Every day of this strike costs the \
region millions," port spokesman Erik Jansen said. "We are asking both sides to return to \
the table."

Union members voted 87% in favour of the strike last week.

"It's not about money," said crane operator Sven Bakker, 44. "It's about whether there \
will be a job here for my son."
"""

REGIONAL = """Port strike: 'No choice', says union

Dockers in Rotterdam stopped work on Thursday, and the port authority says the strike is \
"deeply irresponsible".

Union leader Marieke de Vries told reporters: “We didn’t want this strike, but the company \
left us no choice.”

Port spokesman Erik Jansen said ships were “already diverting to Antwerp and Hamburg”.

“Every day of this strike costs the region millions,” he said.

“We are asking both sides to return to the table,” Jansen added.

Shop owners near the docks said trade had slowed. “Nobody is buying anything this week,” \
said Fatima El Amrani, who runs a café on the quay.
"""
