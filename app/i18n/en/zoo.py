"""English: the Model zoo."""

STRINGS: dict[str, str] = {
    "zoo.title": "Model zoo",
    "zoo.intro": "Everything the playground can train, straight from the library's registries. Click a name to open "
                 "the playground with that choice.",
    "zoo.arch": "Architectures",
    "zoo.weighting": "Loss-weighting strategies",
    "zoo.data": "Datasets",
    "zoo.col.name": "name",
    "zoo.col.id": "id",
    "zoo.col.paper": "paper",
    "zoo.col.year": "year",
    "zoo.col.description": "what it does",
    "zoo.col.params": "hyper-parameters (defaults)",
    "zoo.col.kind": "kind",
    "zoo.kind.gradient": "gradient-based",
    "zoo.kind.loss": "loss-based",
}
