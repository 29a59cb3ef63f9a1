"""The Model zoo: what the Playground can train, straight from the registries."""
SECTION = "zoo"
