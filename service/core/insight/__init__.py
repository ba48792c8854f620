"""Editorial insight on aligned quotations: typed edits (``edits``), unquoted
echoes (``echoes``), attribution drift (``attribution``), all three for a
comparison (``analysis``), and quotations checked against primary documents
(``primary``)."""

__all__: list[str] = []
