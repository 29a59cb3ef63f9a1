"""The loss-balancing lab: provoke a training problem of MTL, then watch each weighting strategy cure it or not.

Four scenarios, each a preset of section "balance" (`mtl_core.presets`), whose axes are the strategies (and,
for the seesaw, the architectures) and whose `Scenario` here says what else the study trains:

    balance_loss_scale  task2's labels ×10 (`data.label_scale_b`): its loss is 100× larger and drives the
                        shared layers under EW; task1 (the small-scale task) falls behind its single-task
                        baseline. Static weights trace the trade-off.
    balance_conflict    ρ = −0.9 and task2 ×3: the task gradients on the shared parameters point apart on half
                        the steps; the gradient cosine is recorded BEFORE the strategy combines the gradients
                        and AFTER (the cosine between the applied update and each task's gradient).
    balance_speed       task1 linear (m = 0), task2 with 10 sine terms (`data.m_b`): one easy, one hard task;
                        loss ratios L_k(t)/L_k(0) and the weights that chase them (GradNorm, DWA, FAMO).
    balance_seesaw      Shared-Bottom, MMoE and CGC × EW, UW and GradNorm against single-task baselines: the
                        seesaw map of the PLE paper.

A study is a list of parts trained one after another through the batched engine (`mtl_core.grid`): the
strategies (one batch each), a grid of static weights (ONE batch: the weights are a per-run setting) and
the single-task baselines (one batch, same data draws, same budget). `iter_study` yields progress;
`StudyRecord` keeps what finished (results rows, weight and loss trajectories, per-step conflict) and
turns it into the tables the page draws and the CLI prints:

    add_mtl_gain      MTL gain per row against the single-task baseline of the same seed (PLE paper:
                      higher is better on both axes; AUC: MTL − single, MSE: single − MTL; and in % of
                      the baseline)
    seesaw_frame      gain per (architecture, strategy) and task: mean and sd over seeds
    tradeoff_frame    final task1 vs task2 loss: the static-weight curve (non-dominated points flagged)
                      and every strategy's point
    conflict_table    share of steps in conflict before / after, mean cosines
    comparison_table  final metrics, gains, time per step relative to EW
    verdicts          each strategy against EW, paired by seed (`mtl_core.stats`): better, worse or too few
                      seeds to tell, per task, with the effect, its 95 % interval and the seeds that agree

The code: `study` (scenarios, parts, training, StudyRecord), `tables` (the gain and the tables) and
`verdict` (each strategy against EW).
"""
from .study import (SCENARIOS, SECTION, Part, Scenario, StudyProgress, StudyRecord, available, data_axes,
                    describe, iter_study, plan_study, run_study, scenario_of, scenario_parts, static_grid,
                    study_size, with_role)
from .tables import (ROLE_MTL, ROLE_SINGLE, ROLE_STATIC, add_mtl_gain, comparison_table, conflict_table,
                     gain_metric, mtl_gain, seesaw_frame, step_times, tasks_of, tradeoff_frame)
from .verdict import REFERENCE, Verdict, summary_line, verdict_frame, verdicts

__all__ = ["SCENARIOS", "Scenario", "Part", "plan_study", "scenario_parts", "iter_study", "run_study",
           "StudyRecord", "StudyProgress", "study_size", "with_role", "mtl_gain", "gain_metric", "add_mtl_gain",
           "seesaw_frame", "tradeoff_frame", "conflict_table", "step_times", "comparison_table", "verdicts",
           "verdict_frame", "Verdict", "available", "static_grid", "summary_line", "data_axes", "ROLE_MTL",
           "ROLE_STATIC", "ROLE_SINGLE", "REFERENCE", "SECTION", "describe", "scenario_of", "tasks_of"]
