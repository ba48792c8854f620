"""Stories: a story's coverage across outlets, aligned statement by statement."""
