"""English: the balancing lab (page text, its figures and tables)."""

STRINGS: dict[str, str] = {
    "nav.balance": "Balancing lab",
    "bal.title": "Balancing lab: when tasks pull the shared layers apart",
    "bal.intro": "Multi-task models share layers, and three things go wrong when the tasks pull on them differently: "
                 "losses on different scales (one task drowns the other), task gradients that point in different "
                 "directions (conflict), and tasks that learn at different speeds. Loss-weighting strategies claim to "
                 "cure them. Pick a scenario, train every strategy on the same data draws and seeds, and check each "
                 "claim against equal weights (EW) and against single-task models.",
    # the four problems
    "bal.problem.loss_scale.title": "Problem: losses on different scales",
    "bal.problem.loss_scale.what": "task2's labels are multiplied by a factor (×10 by default, so its squared error "
                                   "is 100× larger). With equal weights the shared layers follow task2's much larger "
                                   "gradient, and task1, the small-scale task, ends well behind what a model of its "
                                   "own reaches.",
    "bal.problem.loss_scale.look": "**What to look for.** The claim table: which strategies bring task1 back without hurting task2. The "
                                   "seesaw map: EW sits left of zero (task1 loses to its single-task model). The trade-off curve: fixed "
                                   "weights near 100:1 are what a balancing strategy should find by itself. DWA reacts to how fast "
                                   "losses fall, not to their scale. UW and GradNorm learn their weights with the model's optimiser, "
                                   "about one learning-rate step per step: try ×100 and watch them run out of steps.",
    "bal.problem.conflict.title": "Problem: conflicting gradients",
    "bal.problem.conflict.what": "The two tasks are anti-correlated (ρ = −0.9) and task2 is 3× larger, on a small "
                                 "shared bottom. The gradient cosine between the tasks on the shared layers is "
                                 "recorded at every step: BEFORE the strategy combines the gradients, and AFTER — the "
                                 "cosine between the step actually taken and each task's own gradient. After < 0 "
                                 "means the step makes that task worse (to first order).",
    "bal.problem.conflict.look": "**What to look for.** The conflict timeline: with EW about half the steps have conflicting task "
                                 "gradients and on some of them the step goes uphill for a task. PCGrad and GradVac remove the uphill "
                                 "steps by construction — does that make the final losses better? Removing conflict is not the same as"
                                 " learning both tasks well: compare the timeline with the table.",
    "bal.problem.speed.title": "Problem: tasks learning at different speeds",
    "bal.problem.speed.what": "task1 is linear and easy (m = 0); task2 has ten sine terms (m_b = 10) and keeps "
                              "improving slowly. The loss ratio L(t)/L(0) of task1 drops within two epochs while "
                              "task2's lags behind.",
    "bal.problem.speed.look": "**What to look for.** Switch the trajectories to *loss ratio*, then to *weight*. GradNorm raises the"
                              " weight of the task whose loss ratio lags (task2); FAMO equalises how fast each log-loss is falling "
                              "right now, so once task1 has plateaued it is task1 that FAMO raises; DWA reacts to the last two "
                              "epochs. Does the extra weight buy anything, and what does the other task pay?",
    "bal.problem.seesaw.title": "Problem: the seesaw",
    "bal.problem.seesaw.what": "Two related tasks (ρ = 0.5; task1 non-linear, task2 linear) with only 2,000 samples. "
                               "Every architecture × strategy is compared with single-task models trained on the same "
                               "data with the same budget: the MTL gain (higher is better; for MSE, single − MTL, here "
                               "in % of the single-task loss).",
    "bal.problem.seesaw.look": "**What to look for.** The seesaw map (PLE paper): the lower-left quadrant is negative transfer (MTL "
                               "loses on both tasks), the two off-diagonal quadrants are the seesaw (one task gains, the other "
                               "loses), the upper right is where both win. Does the architecture or the weighting move points more?",
    "bal.problem.custom.title": "Your own study",
    "bal.problem.custom.what": "",
    "bal.problem.custom.look": "",
    # knobs
    "bal.knobs": "The scenario",
    "bal.scenario": "Scenario",
    "bal.scenario_help": "A named starting point (a preset); changing it resets every knob below.",
    "bal.run_knobs": "The study",
    "bal.strategies": "Strategies",
    "bal.strategies_help": "Every registered loss-weighting strategy can be chosen; each trains its seeds as one "
                           "batched model. EW is the reference the others are judged against.",
    "bal.no_strategies": "Choose at least one strategy.",
    "bal.archs": "Architectures",
    "bal.archs_help": "Each architecture × strategy is one point of the seesaw map.",
    "bal.no_archs": "Choose at least one architecture.",
    "bal.seeds": "Seeds",
    "bal.seeds_help": "Every strategy sees the same data draws and initialisations, one per seed; verdicts pair "
                      "the runs seed by seed.",
    "bal.static": "Static-weight trade-off curve",
    "bal.static_help": "Also train a grid of fixed task weights (one batched model: the weights differ per run) to "
                       "trace the trade-off between the tasks.",
    "bal.baselines": "Single-task baselines",
    "bal.baselines_help": "Also train one network per task on the same data, seeds and budget: the reference of "
                          "the MTL gain and the seesaw map.",
    "bal.conflict": "Record gradient conflict",
    "bal.conflict_help": "Record the cosine between task gradients on the shared layers at every step, before and "
                         "after the strategy combines them (one extra backward pass per task; not counted in the "
                         "time per step).",
    # run
    "bal.run_title": "Train the strategies",
    "bal.run": "Run the study",
    "bal.invalid": "Some settings are invalid:",
    "bal.plan": "{strategies} strategies × {archs} architecture(s) × {seeds} seeds: {mtl} MTL runs, {static} "
                "static-weight runs, {single} single-task runs, one batched model per strategy.",
    "bal.plan_conflict": "Gradient conflict recorded at every step.",
    "bal.preparing": "Preparing the data and the first batched model…",
    "bal.live_caption": "Live: the task weights of the strategies trained so far (mean over seeds, band = lowest to "
                        "highest seed).",
    "bal.hint": "Press **Run the study** to train the chosen strategies on this scenario. What our own runs showed is "
                "in the box above.",
    # measured
    "bal.measured_title": "What our runs showed for this scenario",
    "bal.measured_caption": "Every registered strategy against EW on the same {seeds} seeds, paired seed by seed. "
                            "Command: `{command}`",
    "bal.no_reference": "Include EW among the strategies to judge the others against it.",
    "bal.claim_line": "**{task}** — better than EW: {helps}. Worse: {hurts}. Too few seeds to tell: {unclear}.",
    # results
    "bal.results_title": "Results of your study",
    "bal.results_of": "{runs} finished runs in {s:.0f} s ({status}). Stopped studies keep the runs that finished.",
    "bal.nothing_finished": "No run finished before the study was stopped.",
    "bal.claims_title": "The claims, checked against EW",
    "bal.claims_caption": "Each strategy against equal weights on the same seeds, paired seed by seed (the one rule behind every verdict in the app): the effect is the mean improvement in % of EW's test loss (positive = better), its 95 % interval (a bootstrap over seeds below 20 seeds, Student's t from 20) and the number of seeds on which the strategy beat EW. ✔ better / ✘ worse only when the interval excludes 0, ≈ too few seeds to tell otherwise (below 3 seeds there is no interval). The numbers after the colon are EW's test loss → the strategy's.",
    "bal.seesaw_title": "Seesaw map",
    "bal.seesaw_caption": "Each point is one architecture with one strategy: its MTL gain on task1 (x) and task2 (y) "
                          "in % of the single-task model's test loss, mean over seeds, bars ±1 sd. Up and right is "
                          "better on both. Look for points that cross a quadrant boundary when only the strategy "
                          "changes.",
    "bal.seesaw_count": "Configurations where both tasks win: {win}; seesaw: {seesaw}; negative transfer on both: "
                        "{negative}.",
    "bal.tradeoff_title": "Trade-off curve",
    "bal.tradeoff_caption": "Grey: fixed task weights w1 : w2 (filled points are not beaten on both tasks by another "
                            "fixed weighting). Coloured: each strategy's final losses, mean over seeds ± 1 sd. Lower "
                            "left is better; a strategy is worth its cost only if it lands near or beyond the grey "
                            "front, which a plain grid search also reaches.",
    "bal.tradeoff_caption_strategies": "Each strategy's final losses, mean over seeds ± 1 sd; lower left is better. "
                                       "Turn on the static-weight trade-off curve (where the scenario has one) to see "
                                       "what fixed weights reach.",
    "bal.tradeoff_line": "On or beyond the static-weight front (within 1 sd): {front}. Beaten by some fixed weights on "
                         "both tasks: {behind}.",
    "bal.traj_title": "Task weights and loss ratios over training",
    "bal.traj_pick": "Strategies side by side",
    "bal.traj_value": "Show",
    "bal.traj_value.weight": "weight",
    "bal.traj_value.loss_ratio": "loss ratio",
    "bal.arch_views": "Architecture shown in the views below",
    "bal.traj_caption_weight": "The weight each strategy applied to each task (mean since the previous snapshot; "
                               "band = lowest to highest seed). For gradient-based strategies it is the effective "
                               "coefficient of the task's gradient. Look for weights that keep moving in one direction: "
                               "the strategy is still balancing when training ends.",
    "bal.traj_caption_ratio": "Validation loss divided by its value at initialisation, log scale. The task whose "
                              "ratio stays high is the slow one; GradNorm and FAMO try to raise its weight.",
    "bal.conflict_title": "Gradient conflict",
    "bal.conflict_off": "Not recorded in this study: switch on *Record gradient conflict* in the sidebar and run again "
                        "(it is on by default in the conflict scenario).",
    "bal.conflict_pick": "Strategies",
    "bal.conflict_caption": "Grey: cosine between the two task gradients on the shared layers before the strategy "
                            "combines them. Colour: the smallest cosine between the step taken and a task's gradient "
                            "(below 0, the step makes that task worse). Mean over seeds, smoothed; panel titles give "
                            "the share of steps below 0, before → after. MGDA-UB balances gradients of the shared "
                            "representation, not of the parameters, so it does not guarantee 'after ≥ 0' here.",
    "bal.conflict_row": "{name}: {before:.0f}% → {after:.0f}%",
    "bal.table_title": "Comparison table",
    "bal.table_caption": "Final test loss per task (mean ± sd over seeds), MTL gain against the single-task model "
                         "(PLE paper: higher is better; MSE gain = single − MTL, in %), the verdict against EW, and the "
                         "time per optimisation step relative to EW on the same architecture (measured here, "
                         "evaluation and conflict recording excluded; noisy on a shared CPU).",
    "bal.single_line": "Single-task baselines, test loss: {values}.",
    "bal.download": "Download results.csv",
    "bal.strategies_ref": "The strategies and their papers",
    # figures
    "bal.fig.seesaw_title": "Seesaw map: MTL gain over single-task models",
    "bal.fig.no_baselines": "train single-task baselines to draw the seesaw map",
    "bal.fig.both_win": "both win",
    "bal.fig.negative": "negative transfer",
    "bal.fig.seesaw": "seesaw",
    "bal.fig.seeds": "seeds",
    "bal.fig.gain_axis": "MTL gain on {task} (% of single-task loss)",
    "bal.quadrant.both_win": "both win",
    "bal.quadrant.seesaw": "seesaw",
    "bal.quadrant.negative": "negative transfer",
    "bal.fig.tradeoff_title": "Trade-off: final loss of task1 against task2",
    "bal.fig.test_loss": "test loss",
    "bal.fig.static": "static weights w1 : w2",
    "bal.fig.static_point": "static weights",
    "bal.fig.better": "← better on both ↙",
    "bal.fig.weights_title": "Task weights over training",
    "bal.fig.ratio_title": "Loss ratio L(t) / L(0) over training",
    "bal.fig.loss_ratio": "L(t) / L(0)",
    "bal.fig.conflict_title": "Gradient cosine before and after the strategy",
    "bal.fig.no_conflict": "gradient conflict was not recorded",
    "bal.fig.conflict_panel": "{name}: {before:.0f}% → {after:.0f}%",
    "bal.fig.before": "task1 vs task2 (before)",
    "bal.fig.after": "step vs worst task (after)",
    "bal.fig.after_legend": "step vs worst task (after, strategy colour)",
    "bal.fig.step": "step",
    # tables
    "bal.col.arch": "Architecture",
    "bal.col.strategy": "Strategy",
    "bal.col.task": "Task",
    "bal.col.test_loss": "Test loss",
    "bal.col.test_auc": "Test AUC",
    "bal.col.gain": "MTL gain",
    "bal.col.vs_ew": "vs EW",
    "bal.col.time": "Time / step vs EW",
    "bal.col.seeds": "Seeds",
    "bal.effect.reference": "reference",
    "bal.effect.helps": "✔ {text}",
    "bal.effect.hurts": "✘ {text}",
    "bal.effect.unclear": "≈ {text}",
    "bal.found.intro": "**In our runs** (seeds {seeds}: {n} seeds the scenario was not chosen on; {strategies} strategies, each against EW paired seed by seed, the effect in % of EW's test loss with its 95 % interval).",
    "bal.found.ew": "With EW: {items}.",
    "bal.found.ew_task": "{task} {mean:.3g} ± {sd:.2g} (its single-task model {single:.3g})",
    "bal.found.conflict": "With EW {before:.0f} % of steps have conflicting task gradients and {after:.1f} % of steps go uphill for a task; steps uphill with {items}.",
    "bal.found.strategy": "**{name}**: {items}.",
    "bal.found.count": "On {task}, {better} of {n} strategies are better than EW (most: {top}) and {worse} worse.",
    "bal.found.seesaw": "MTL gain over the single-task models with EW, in % of their test loss: {items}.",
    "bal.found.seesaw_arch": "{arch} task1 {a:+.0f} %, task2 {b:+.0f} %",
}
