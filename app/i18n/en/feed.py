"""English: the feed world's views — expert health, AdaTT's fusion heatmap, the score-fusion widget."""

STRINGS: dict[str, str] = {
    # expert-health figure
    "fig.eh.title": "Expert health",
    "fig.eh.use": "Gate mass per expert (stacked by gate)",
    "fig.eh.dead": "Dead units (pass no gradient on any row of the batch)",
    "fig.eh.self": "self-gates (own experts)",
    "fig.eh.use_axis": "gate mass",
    "fig.eh.dead_axis": "dead units",
    "fig.eh.gate": "{gate} · H {h:.2f}/{hmax:.2f}",
    "fig.eh.no_data": "Expert health is measured during training (about once a second)",
    "fig.eh.reason.dead": "dead",
    "fig.eh.reason.unused": "unused",
    "fig.eh.reason.duplicate": "duplicate",
    # AdaTT fusion figure
    "fig.fusion.title": "AdaTT task-to-task fusion",
    "fig.fusion.cols": "draws on experts of",
    "fig.fusion.colorbar": "gate<br>mass",
    # the seesaw figure
    "fig.gain.title": "{arch}: MTL gain over single-task models, per task (95 % interval)",
    "fig.gain.axis": "gain (positive = MTL better)",
    "fig.gain.auc": "test AUC",
    "fig.gain.loss": "test loss ↓",
    "fig.gain.word.better": "better",
    "fig.gain.word.worse": "worse",
    "fig.gain.word.unclear": "unclear",
    # the Playground's views
    "eh.caption": "How to read it: a tall upper bar = an expert the gates use; no bar = unused (hatched = the weight "
                  "HoME's self-gates give a unit's own experts). Lower bars = share of its units that are dead: they "
                  "pass no gradient on any row (a ReLU that never fires; a Swish only far below zero). Red and "
                  "marked ⚠ = flagged: dead, unused by every gate, or a duplicate of another expert. H in the "
                  "legend = each gate's entropy; its maximum log E means uniform weights, 0 one expert.",
    "eh.measured": "Measured at epoch {epoch:.1f}.",
    "eh.fusion_caption": "Each AdaTT fusion unit's gate weights summed per expert group: row t = how much task t "
                         "draws on each task's (and the shared) experts; a row sums to 1. A strong diagonal = "
                         "tasks keep to their own experts; off-diagonal mass = transfer between tasks.",
    "eh.entropy_title": "Gate entropy",
    "eh.col.gate": "gate",
    "eh.col.entropy": "entropy H",
    "eh.col.max": "max log E",
    "eh.col.ratio": "H / log E",
    "eh.flagged": "Flagged: {list}.",
    "eh.none_flagged": "No expert is flagged.",
    # the score-fusion widget (lesson 10)
    "les.ff.title": "Score fusion on the feed world",
    "les.ff.intro": "A small MMoE trained on the feed world predicts five signals for every candidate. Pick a "
                    "user, choose how the predictions are fused into one score, and watch the top of the user's "
                    "feed and the value it collects (computed from the TRUE probabilities) change.",
    "les.ff.training": "Training a small MMoE on the feed world (once per session, a few seconds)…",
    "les.ff.user": "User",
    "les.ff.form": "Fusion formula",
    "les.ff.form.sum": "Weighted sum Σ w·p",
    "les.ff.form.product": "Product of powers Π p^w",
    "les.ff.w": "weight of {task}",
    "les.ff.formula.sum": "score = {terms}",
    "les.ff.formula.product": "score = {terms}",
    "les.ff.col.rank": "rank",
    "les.ff.col.item": "item",
    "les.ff.col.score": "score",
    "les.ff.col.value": "true value",
    "les.ff.value_user": "This user's top {k}: true value / best possible",
    "les.ff.value_all": "All test users' top {k}: mean true value / best possible",
    "les.ff.value_best": "Best possible = the same users' candidates ranked by their true value (what perfect predictions would reach).",
    "les.ff.note": "True value = Σ value × true probability (watch share 1, like 5, follow 20, share 10 per unit; "
                   "view 0). The model never saw the truth; it saw labels. Model: {model}, test AUC {aucs}.",
}
