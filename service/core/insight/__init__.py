"""Editorial insight on aligned quotations: typed edits, unquoted echoes,
attribution drift, and quotations checked against primary documents."""
