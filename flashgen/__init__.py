"""flashgen: turn a vault of Markdown notes into Anki decks that survive regeneration."""

__version__ = "0.1.0"
