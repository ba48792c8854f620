"""Alignment: quotations matched across two texts or a whole story, texts
aligned sentence by sentence (by wording, or by meaning with the semantic
extra), and the shingles that find candidate pairs without scoring them all."""
