"""The Textual face of cooltui: the app, its widgets and screens."""
