"""English: where each method steps (the balancing lab's panel, the Playground's capture, their figure and table)."""

STRINGS: dict[str, str] = {
    "steps.title": "Where each method steps",
    "steps.intro": "**How to read this.** The two thick arrows are the task gradients g1 and g2; every thin arrow is "
                   "the update one strategy would take from exactly these two gradients, drawn in the plane they span "
                   "(x along g1, y across it). The green wedge holds the directions that decrease both losses (to "
                   "first order): an arrow outside it makes one task worse. Arrows that coincide share one legend "
                   "entry (with no conflict, PCGrad's step is EW's). *first step*: the strategy carries state from "
                   "step to step (learned weights, moving averages, an epoch history), so the arrow is the step it "
                   "would take at the start of training; *one draw*: it draws random numbers and the arrow is one "
                   "seeded draw; *off the plane*: the update leaves the plane of g1 and g2 (GradDrop drops single "
                   "coordinates), by that share of its length. The table lists every strategy: its length, its "
                   "cosine to each task gradient (below 0: that task gets worse) and the weights it applied.",
    "steps.tab.synthetic": "Drag two gradients",
    "steps.tab.run": "Gradients from a real run",
    "steps.angle": "Angle between g1 and g2 (degrees)",
    "steps.angle_help": "0° = the tasks agree, 90° = orthogonal, above 90° = they conflict, 180° = opposite.",
    "steps.ratio": "Ratio of norms |g2| / |g1|",
    "steps.ratio_help": "How much louder task2's gradient is than task1's (a loss on a larger scale has a larger "
                        "gradient).",
    "steps.loss_ratio": "Ratio of losses L2 / L1",
    "steps.loss_ratio_help": "Some strategies also look at the loss values (GLS, FAMO, DB-MTL, MoCo): they weigh a "
                             "task by its loss. Here the losses are set apart from the gradients.",
    "steps.methods": "Strategies drawn",
    "steps.unit": "Directions only (every arrow of length 1)",
    "steps.unit_help": "When the norms differ a lot the short arrows vanish next to the long ones; this draws "
                       "every arrow at length 1. The lengths stay in the table.",
    "steps.synthetic_caption": "g1 = (1, 0) and g2 = r·(cos θ, sin θ), laid along a random plane of {dim} "
                               "coordinates (so coordinate-wise methods see coordinates whose signs disagree); "
                               "losses L1 = 1, L2 = {loss_ratio:g}.",
    "steps.table_title": "Every strategy: length, cosine to each task, weights",
    "steps.table_caption": "norm = length of the update; cos = its cosine with each task gradient (below 0: the step "
                           "makes that task worse, to first order); along / across g1 = coordinates in the plane; off "
                           "the plane = length of what is outside the span of the task gradients; weights = what the "
                           "strategy applied to each task.",
    "steps.skipped": "Not drawn, they need more than the gradients and losses: {names}.",
    "steps.more_tasks": "With {n} tasks there is no single plane to draw: the table gives each strategy's cosine to "
                        "every task gradient and its length.",
    "steps.run.intro": "Train this scenario's model for a number of steps, take each task's gradient on the shared "
                       "parameters there (over {rows} validation rows) and apply every strategy to those same "
                       "gradients. Real gradients have thousands of coordinates: the view shows them in the plane "
                       "of g1 and g2.",
    "steps.run.weighting": "Train with",
    "steps.run.step": "Capture after this many steps",
    "steps.run.capture": "Capture gradients",
    "steps.run.hint": "Press “Capture gradients” to train the model to that step (a few seconds) and draw every "
                      "strategy's step from its gradients.",
    "steps.run.caption": "{model}, trained {step} steps with {weighting} (seed {seed}): gradients on {params} shared "
                         "parameters; losses {losses}; |g2| / |g1| = {ratio:.3g}.",
    "steps.run.stale": "The scenario or its settings changed since this capture: press “Capture gradients” again.",
    "steps.run.none": "This model shares no parameters between its tasks: there is nothing for a strategy to combine.",
    "steps.pg.title": "Where each method steps, from this run's gradients",
    "steps.pg.intro": "Take the task gradients of the model as it is now, on its shared parameters (over {rows} "
                      "validation rows), and draw the step every loss-balancing strategy would take from them; the "
                      "run keeps training.",
    "steps.pg.capture": "Capture gradients now",
    "steps.pg.no_run": "Train a model first: the gradients come from the run in progress.",
    "steps.pg.not_started": "The run has not built its model yet: press Train or Step, then capture.",
    "steps.pg.caption": "Captured at step {step} (the latest snapshot) of run {run}: gradients on {params} shared "
                        "parameters; losses {losses}.",
    "steps.pg.old": "This capture is from run {run}; the current run is another one. Capture again.",
    # statuses
    "steps.status.exact": "from these gradients",
    "steps.status.random": "one random draw",
    "steps.status.initial": "first step (carries state)",
    "steps.status.skipped": "skipped",
    # figure
    "steps.fig.title": "Where each method steps · g1 and g2 at {angle:.0f}°, |g2| / |g1| = {ratio:.3g}",
    "steps.fig.two_tasks_only": "The plane view needs exactly two tasks; see the table.",
    "steps.fig.x": "along g1",
    "steps.fig.y": "⟂ g1, in the plane of g1 and g2",
    "steps.fig.cone": "decreases both losses",
    "steps.fig.task": "g{k} ({task})",
    "steps.fig.zero": "no step",
    "steps.fig.first_step": "first step",
    "steps.fig.one_draw": "one draw",
    "steps.fig.sep": ", ",
    "steps.fig.off_plane": "{share:.0f}% off the plane",
    "steps.fig.hover": "|update| = {norm:.3g}<br>cos to g1 = {cos1:.3f}<br>cos to g2 = {cos2:.3f}<br>"
                       "off the plane = {off:.3g}",
    "steps.fig.hover_task": "|g| = {norm:.3g}",
    # table columns
    "steps.col.method": "strategy",
    "steps.col.status": "step",
    "steps.col.norm": "norm",
    "steps.col.cos": "cos to {task}",
    "steps.col.min_cos": "smallest cos",
    "steps.col.along": "along g1",
    "steps.col.across": "across g1",
    "steps.col.off_plane": "off the plane",
    "steps.col.weights": "weights",
    "steps.col.note": "note",
}
