"""English: the Model zoo."""

STRINGS: dict[str, str] = {
    "zoo.title": "Model zoo",
    "zoo.intro": "Everything the app can train, straight from the library's registries. Click a name to open the page "
                 "that trains it: the Funnel explorer for the click → conversion models, the Playground for the rest.",
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
    "zoo.col.n_params": "parameters",
    "zoo.n_params_note": "Parameters: trainable weights and biases at the default size, on the dataset the link opens.",
    "zoo.inside": "Look inside an architecture",
    "zoo.pick": "Architecture",
    "zoo.pick_weighting": "Show the code of a strategy",
    "zoo.n_params": "Trainable parameters: **{n:,}** at the default size on {data}",
    "zoo.n_params_help": "MMoE-paper convention (weight matrices only: no biases, gates or output units): {n:,}",
    "zoo.train_it": "Train it in the {page}",
    "zoo.diagram_caption": "Data flows from the input at the bottom to the task outputs at the top; coloured boxes "
                           "belong to one task, grey ones are shared.",
}
