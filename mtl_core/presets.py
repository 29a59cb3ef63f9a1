"""Presets: named, validated configurations (and, for studies, their grid), shared by pages, CLI and lessons.

A preset is the common currency of the product: a lesson's "Run it" button opens `?preset=ID` on the
page named by `section`, the CLI runs `train --preset ID` or `sweep --preset ID`, and a test validates
every one. `config` holds flat overrides of the defaults; `axes` and `seeds` make it a study
(`mtl_core.grid`). How long one takes is estimated on the machine that runs it (`mtl_core.timing`), never
stored here: `benchmarks/preset_times.py` measures every preset against that estimate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .config import ExperimentConfig, from_flat
from .params import ConfigError


@dataclass(frozen=True)
class Preset:
    id: str
    section: str  # the page that opens it: "playground", ...
    title: Mapping[str, str]  # {"en": ..., "zh": ...}
    description: Mapping[str, str]
    config: Mapping[str, Any]
    axes: Mapping[str, tuple] = field(default_factory=dict)  # empty: a single run
    seeds: tuple[int, ...] = (0,)

    def __post_init__(self):
        object.__setattr__(self, "config", MappingProxyType(dict(self.config)))
        object.__setattr__(self, "axes", MappingProxyType({k: tuple(v) for k, v in self.axes.items()}))

    @property
    def is_study(self) -> bool:
        return bool(self.axes) or len(self.seeds) > 1

    @property
    def n_runs(self) -> int:
        from .seeds import count_runs  # noqa: PLC0415 - the one place this product is computed

        return count_runs(self.seeds, self.axes)

    def experiment(self) -> ExperimentConfig:
        return from_flat(self.config)


def _registered(*ids: str) -> tuple[str, ...]:
    """The weighting ids among `ids` that are registered (a scenario may name strategies added later)."""
    from .weighting import WEIGHTINGS

    return tuple(w for w in ids if w in WEIGHTINGS)


TINY_FUNNEL = {"data": "funnel", "data.n_impressions": 300_000, "data.n_users": 2000, "data.n_items": 2000}

# The regime of mmoe_paper_quick and mmoe_paper_full (how it was chosen and checked: CHANGELOG.md)
MMOE_PAPER_REGIME = {"data.d": 20, "data.c": 2.0, "data.ab_seed": 5, "data.n_train": 10_000, "train.lr": 0.003,
                     "train.batch_size": 256, "train.epochs": 20, "model": "shared_bottom",
                     "model.bottom_units": (78,)}
MMOE_PAPER_AXES = {"model": ("shared_bottom", "omoe", "mmoe"), "data.rho": (0.5, 0.9, 1.0)}
PLAYGROUND_DEFAULT = "playground_default"  # what the Playground starts from when a link sets nothing


# ---- the feed world (lesson 10) ----
FEED_WORLD = {"data": "feed", "data.n_impressions": 20_000, "data.n_users": 2000, "data.n_items": 2000,
              "train.epochs": 4, "train.batch_size": 256, "train.lr": 0.003}
# Expert collapse (mtl_core.experiments.feed.COLLAPSE_SEARCH: how it was chosen): a smaller world, three-layer
# experts, Adam at 0.05
COLLAPSE_WORLD = {**FEED_WORLD, "data.n_impressions": 10_000, "train.batch_size": 128, "train.epochs": 6,
                  "train.lr": 0.05, "model.n_experts": 16, "model.expert_units": (32, 32, 32)}
FEED_PRESETS = (
    Preset(
        "feed_expert_collapse", "playground",
        {"en": "Feed world: MMoE's ReLU experts die at a high learning rate, HoME's stay alive",
         "zh": "信息流世界：高学习率下 MMoE 的 ReLU 专家大量死亡，HoME 的专家保持存活"},
        {"en": "Five tasks (view, watch share, rare like / follow / share) on 7,000 training impressions; MMoE with "
               "16 three-layer ReLU experts (32, 32, 32) trained with Adam at 0.05 for 6 epochs. Watch the "
               "expert-health view: the lower bars (units that pass no gradient) grow to about half of every "
               "expert. Repeat over seeds trains MMoE and HoME (13 normalised Swish experts with self-gates, the "
               "same expert sizes) side by side on the same draws; the expert-health totals are in results.csv.",
         "zh": "五个任务（有效观看、观看时长占比、稀有的点赞 / 关注 / 分享），7,000 条训练曝光；MMoE 有 16 个三层 ReLU "
               "专家（32, 32, 32），Adam 学习率 0.05，训练 6 轮。观察专家健康度视图：下方的柱子（传不回梯度的单元）"
               "会长到每个专家的一半左右。“多种子重复”在相同的数据上并排训练 MMoE 与 HoME（13 个带自门控的归一化 "
               "Swish 专家，专家大小相同）；专家健康度的汇总在 results.csv 中。"},
        {**COLLAPSE_WORLD, "model": "mmoe"},
        axes={"model": ("mmoe", "home"), "model.expert_units": ((32, 32, 32),)}, seeds=(0, 1, 2)),
    Preset(
        "feed_sparse_tasks", "playground",
        {"en": "Feed world: do rare tasks gain from sharing? Five architectures against single-task models",
         "zh": "信息流世界：稀有任务能从共享中获益吗？五种结构对比单任务模型"},
        {"en": "Like (3 %), follow (0.5 %) and share (1 %) next to a dense view task and the watch-time share, "
               "20,000 impressions. Single-task models, Shared-Bottom, MMoE, PLE, AdaTT and HoME on the same draws, "
               "3 seeds, 4 epochs; compare the rare tasks' validation AUC (switch the metric to AUC).",
         "zh": "点赞（3%）、关注（0.5%）与分享（1%），旁边是高频的有效观看任务和观看时长占比，共 20,000 次曝光。"
               "单任务模型、Shared-Bottom、MMoE、PLE、AdaTT 与 HoME 在相同的数据上训练，3 个种子、4 轮；"
               "比较稀有任务的验证集 AUC（把指标切换为 AUC）。"},
        {**FEED_WORLD, "model": "mmoe"},
        axes={"model": ("single_task", "shared_bottom", "mmoe", "ple", "adatt", "home")}, seeds=(0, 1, 2)),
    Preset(
        "feed_seesaw", "playground",
        {"en": "Feed world: AdaTT against single-task models, task by task",
         "zh": "信息流世界：逐个任务对比 AdaTT 与单任务模型"},
        {"en": "AdaTT (a task-expert group per task, shared experts, task-to-task fusion gates) on the five feed "
               "tasks, and single-task models on the same draws, 3 seeds. Which tasks gain and which lose? The "
               "live run shows AdaTT's fusion heatmap: how much each task draws on the others' experts.",
         "zh": "AdaTT（每个任务一组任务专家、共享专家、任务间融合门控）在五个信息流任务上训练，单任务模型在相同数据上"
               "训练，3 个种子。哪些任务获益、哪些受损？单次训练会显示 AdaTT 的融合热力图：每个任务从其他任务的专家"
               "那里取用多少。"},
        {**FEED_WORLD, "model": "adatt"}, axes={"model": ("single_task", "adatt")}, seeds=(0, 1, 2)),
)


PRESETS: dict[str, Preset] = {p.id: p for p in (
    Preset(
        "gates_unrelated", "playground",
        {"en": "MMoE gates on unrelated tasks", "zh": "不相关任务上的 MMoE 门控"},
        {"en": "Two tasks with ρ = 0 and eight small experts (4 units each) trained at lr 0.01: each gate is "
               "free to pick its own experts. Watch the two rows of the gate heatmap drift apart; then set ρ = 1 "
               "and train again: the rows stay alike.",
         "zh": "两个任务的 ρ = 0，八个小专家（每个 4 个单元），学习率 0.01：每个门控可以自由挑选自己的专家。观察门控"
               "热力图的两行如何逐渐分开；再把 ρ 设为 1 重新训练：两行保持相似。"},
        {"model": "mmoe", "data.rho": 0.0, "train.epochs": 15, "model.expert_units": (4,), "train.lr": 0.01}),
    Preset(
        "esmm_funnel", "playground",
        {"en": "ESMM on the click → conversion funnel", "zh": "点击 → 转化漏斗上的 ESMM"},
        {"en": "ESMM learns pCVR only through pCTCVR = pCTR × pCVR over all impressions. Three epochs: the ID "
               "embeddings overfit soon after.",
         "zh": "ESMM 只通过全部曝光上的 pCTCVR = pCTR × pCVR 学习 pCVR。训练三轮：再往后 ID 嵌入很快过拟合。"},
        {**TINY_FUNNEL, "model": "esmm", "train.epochs": 3, "train.batch_size": 512}),
    Preset(
        "correlation_sweep_small", "playground",
        {"en": "Small correlation sweep: Shared-Bottom, OMoE, MMoE", "zh": "小型相关性扫描：Shared-Bottom、OMoE、MMoE"},
        {"en": "Three architectures × ρ ∈ {0.5, 0.9, 1} × 5 seeds, each architecture's 15 runs trained as one "
               "batched model. A quick look at how the loss grows as tasks become less related.",
         "zh": "三种结构 × ρ ∈ {0.5, 0.9, 1} × 5 个种子，每种结构的 15 次训练合并为一个批量模型。快速查看任务"
               "相关性降低时损失如何上升。"},
        {"train.epochs": 5}, axes={"model": ("shared_bottom", "omoe", "mmoe"), "data.rho": (0.5, 0.9, 1.0)},
        seeds=tuple(range(5))),
    Preset(
        "static_weights_tradeoff", "playground",
        {"en": "Trade-off of static task weights", "zh": "静态任务权重的权衡"},
        {"en": "Shared-Bottom at ρ = 0.5 trained with task weights from (1, 0.1) to (0.1, 1): every weighting "
               "and seed trains in ONE batched model (per-run weights), tracing the trade-off between the tasks.",
         "zh": "ρ = 0.5 时的 Shared-Bottom，任务权重从 (1, 0.1) 变到 (0.1, 1)：所有权重与种子在同一个批量模型中"
               "训练（每次训练各自的权重），描出两个任务之间的权衡曲线。"},
        {"model": "shared_bottom", "weighting": "static", "train.epochs": 5},
        axes={"weighting.weights": ((1.0, 0.1), (1.0, 0.3), (1.0, 1.0), (0.3, 1.0), (0.1, 1.0))},
        seeds=tuple(range(4))),
    Preset(
        "esmm_story", "funnel",
        {"en": "ESMM against the naive CVR model: sample selection bias on sparse IDs",
         "zh": "ESMM 对比朴素 CVR 模型：稀疏 ID 上的样本选择偏差"},
        {"en": "2,000 users × 2,000 items, 300k impressions, 8% clicks, 10% of clicks convert, clicks strongly "
               "selective (selection strength 1.5). A CVR model trained on clicked impressions only (naive) is "
               "used on every impression; ESMM learns pCVR through pCTCVR = pCTR × pCVR over all of them. The "
               "funnel explorer trains naive, ESMM, ESMM-NS, AITM (with and without calibrator), IPW and "
               "ESCM²-IPS on the same draws and scores them against the true pCVR. Four epochs at batch 4096: "
               "the ID embeddings overfit soon after.",
         "zh": "2,000 个用户 × 2,000 个物品、30 万次曝光、8% 点击、10% 的点击转化，点击的选择性很强（选择强度 1.5）。"
               "只在点击样本上训练的 CVR 模型（朴素模型）被用于所有曝光；ESMM 通过全部曝光上的 "
               "pCTCVR = pCTR × pCVR 学习 pCVR。漏斗探索器在相同的数据上训练朴素模型、ESMM、ESMM-NS、AITM（有无"
               "校准器）、IPW 与 ESCM²-IPS，并与真实 pCVR 比较。批大小 4096 训练四轮：再往后 ID 嵌入很快过拟合。"},
        {"data": "funnel", "data.n_impressions": 300_000, "data.n_users": 2000, "data.n_items": 2000,
         "data.base_ctr": 0.08, "data.base_cvr": 0.1, "data.selection_strength": 1.5, "data.relatedness": 0.7,
         "model": "esmm", "train.epochs": 4, "train.batch_size": 4096, "train.lr": 0.006, "train.weight_decay": 0.0},
        seeds=(0, 1, 2)),
    # ---- the MMoE paper's synthetic study and its real benchmark (mtl_core.experiments, data/census.py) ----
    # The regime of mmoe_paper_quick/full was searched for so the paper's claims can show at all, and is judged
    # on fresh seeds by benchmarks/claims_robustness.py (the search and its results: CHANGELOG.md).
    Preset(
        "mmoe_paper_quick", "experiments",
        {"en": "MMoE paper, quick: its four claims on synthetic data",
         "zh": "MMoE 论文快速版：在合成数据上检验论文的四个结论"},
        {"en": "Shared-Bottom, OMoE and MMoE at task correlation ρ ∈ {0.5, 0.9, 1} × 20 seeds, in a regime "
               "chosen so that the paper's claims can show (and checked on fresh seeds): the fixed α/β draw 5, "
               "c = 2, 20 inputs, 10,000 samples, Adam at 0.003, batch 256, 20 epochs; Shared-Bottom has 78 "
               "units, the MMoE's parameter budget. The verdict table judges the claims on the test loss. At 20 "
               "seeds claims (b) and (d) flip on some seed sets, and (a) on a few (measured on 20 fresh sets: see "
               "the table under the verdicts): about 1 run in 100 fails with a task stuck near its label variance.",
         "zh": "Shared-Bottom、OMoE 与 MMoE，任务相关性 ρ ∈ {0.5, 0.9, 1} × 20 个种子。设置经过挑选，使论文的"
               "结论能够显现（并在新的种子上复核）：固定的 α/β 抽样 5、c = 2、20 维输入、10,000 个样本、Adam "
               "学习率 0.003、批大小 256、20 轮；Shared-Bottom 有 78 个单元，与 MMoE 的参数量相同。结论表依据"
               "测试集损失判断。在 20 个种子下，结论 (b) 和 (d) 在部分种子组上会翻转，(a) 偶尔也会（在 20 组新种子上"
               "实测：见结论表下方的表格）：约每 100 次运行有 1 次失败，某个任务停在其标签方差附近。"},
        MMOE_PAPER_REGIME, axes=MMOE_PAPER_AXES, seeds=tuple(range(20))),
    Preset(
        "mmoe_paper_full", "experiments",
        {"en": "MMoE paper, full protocol: 3 models × 3 correlations × 200 runs",
         "zh": "MMoE 论文完整版：3 个模型 × 3 个相关性 × 200 次运行"},
        {"en": "The paper's protocol, 200 runs per model and ρ, in the quick preset's regime: 1,800 runs, trained "
               "as batched models of up to 256 runs, two at a time (the page and `list --presets` say how long on "
               "your machine): run it with `python -m mtl_core sweep --preset mmoe_paper_full --workers 2 "
               "--threads 1 --out runs/full`, or on a GPU.",
         "zh": "论文的实验流程，每个模型与 ρ 各 200 次运行，设置与快速版相同：共 1,800 次运行，以每批最多 256 次的"
               "批量模型训练，两个同时进行（页面和 `list --presets` 会给出在你的机器上所需的时间）：建议用 `python -m mtl_core "
               "sweep --preset mmoe_paper_full --workers 2 --threads 1 --out runs/full` 或在 GPU 上运行。"},
        MMOE_PAPER_REGIME, axes=MMOE_PAPER_AXES, seeds=tuple(range(200))),
    Preset(
        "census_quick", "experiments",
        {"en": "Census-Income (real data), quick: five architectures on a subsample",
         "zh": "Census-Income（真实数据）快速版：五种结构在子样本上的表现"},
        {"en": "The MMoE paper's real benchmark, task group 1 (income > $50K, never married), on a fixed "
               "subsample of 50,000 training rows, validation and test 20,000 rows each from the halves of the "
               "official test file: single-task, Shared-Bottom, OMoE, MMoE and CGC × 3 seeds, AUC per task. "
               "Needs the data once: `python -m mtl_core data fetch census`.",
         "zh": "MMoE 论文的真实数据基准，任务组 1（收入是否超过 5 万美元、是否从未结婚），使用固定的 50,000 条训练"
               "样本子集，验证集与测试集各 20,000 条，取自官方测试文件的两半：单任务、Shared-Bottom、OMoE、MMoE "
               "与 CGC × 3 个种子，报告每个任务的 AUC。首次使用需先获取数据：`python -m mtl_core data fetch census`。"},
        {"data": "census", "data.task_group": 1, "data.n_train": 50_000, "data.n_eval": 20_000,
         "train.epochs": 4, "train.batch_size": 512, "train.lr": 0.003, "model": "mmoe"},
        axes={"model": ("single_task", "shared_bottom", "omoe", "mmoe", "cgc")}, seeds=(0, 1, 2)),
    Preset(
        "census_full", "experiments",
        {"en": "Census-Income (real data), full: all 199,523 training rows",
         "zh": "Census-Income（真实数据）完整版：全部 199,523 条训练样本"},
        {"en": "The paper's setting: every training row; validation and test are the two halves of the official "
               "test file (49,881 rows each); single-task, Shared-Bottom, OMoE, MMoE and CGC × 2 seeds, 10 epochs. "
               "Run it with `python -m mtl_core sweep --preset census_full --out runs/census`. Needs `python -m mtl_core data fetch census` once.",
         "zh": "论文的设置：使用全部训练样本；验证集与测试集为官方测试文件的两半（各 49,881 条）；单任务、"
               "Shared-Bottom、OMoE、MMoE 与 CGC × 2 个种子，训练 10 轮。运行命令：`python -m "
               "mtl_core sweep --preset census_full --out runs/census`。首次使用需先运行 "
               "`python -m mtl_core data fetch census`。"},
        {"data": "census", "data.task_group": 1, "data.n_train": 199_523, "train.epochs": 10,
         "train.batch_size": 1024, "train.lr": 0.002, "model": "mmoe"},
        axes={"model": ("single_task", "shared_bottom", "omoe", "mmoe", "cgc")}, seeds=(0, 1)),
    # ---- the loss-balancing lab (section "balance"; what else each study trains: experiments/balance.py) ----
    # Regimes chosen on seeds 0-2 and checked on seeds 10-17 (the loss-scale claim also on 20-27); strategies that
    # are not registered are left out (`_registered`). The page's study also trains a static-weight grid and
    # single-task baselines (experiments/balance).
    Preset(
        "balance_loss_scale", "balance",
        {"en": "Losses on different scales: task2's labels ×10", "zh": "损失尺度不同：task2 的标签 ×10"},
        {"en": "Shared-Bottom on two related tasks (ρ = 0.5) where task2's labels are 10 times larger, so its "
               "loss is 100 times larger. With equal weights task2 drives the shared layers and task1 ends well "
               "behind its single-task baseline. Which strategies let both learn? Static weights trace the "
               "trade-off; 3 seeds; change the scale with `--set data.label_scale_b=100`.",
         "zh": "两个相关任务（ρ = 0.5）上的 Shared-Bottom，task2 的标签放大 10 倍，其损失因此大 100 倍。等权重时"
               "task2 主导共享层，task1 明显落后于其单任务基线。哪些策略能让两个任务都学好？静态权重描出权衡曲线；"
               "3 个种子；用 `--set data.label_scale_b=100` 改变尺度。"},
        {"model": "shared_bottom", "model.bottom_units": (32,), "data.d": 20, "data.n_train": 4000,
         "data.rho": 0.5, "data.label_scale_b": 10.0, "train.epochs": 15, "train.batch_size": 32, "train.lr": 0.003},
        axes={"weighting": _registered("ew", "uw", "gradnorm", "dwa", "famo", "nash_mtl")},
        seeds=(0, 1, 2)),
    Preset(
        "balance_conflict", "balance",
        {"en": "Conflicting gradients: ρ = −0.9", "zh": "梯度冲突：ρ = −0.9"},
        {"en": "Shared-Bottom with a small bottom (16 units) on anti-correlated tasks (ρ = −0.9, task2's labels "
               "×3). The cosine between the two task gradients on the shared layers is recorded at every step, "
               "before the strategy combines them, and after: the cosine between the step taken and each task's "
               "gradient (below 0: the step makes that task worse). PCGrad, MGDA, CAGrad, Nash-MTL and friends "
               "against equal weights, 3 seeds.",
         "zh": "共享底层较小（16 个单元）的 Shared-Bottom，任务负相关（ρ = −0.9，task2 的标签 ×3）。每一步都记录"
               "共享层上两个任务梯度的余弦：策略组合梯度之前，以及之后——实际更新方向与每个任务梯度的余弦（小于 0："
               "这一步让该任务变差）。PCGrad、MGDA、CAGrad、Nash-MTL 等与等权重对比，3 个种子。"},
        {"model": "shared_bottom", "model.bottom_units": (16,), "data.d": 20, "data.n_train": 3000,
         "data.rho": -0.9, "data.label_scale_b": 3.0, "train.epochs": 10, "train.batch_size": 64, "train.lr": 0.003},
        axes={"weighting": _registered("ew", "pcgrad", "mgda", "cagrad", "nash_mtl", "gradvac", "aligned_mtl")},
        seeds=(0, 1, 2)),
    Preset(
        "balance_speed", "balance",
        {"en": "Tasks learning at different speeds: one easy, one hard", "zh": "学习速度不同的任务：一易一难"},
        {"en": "task1 is linear (m = 0), task2 has 10 sine terms (m_b = 10, c = 2): task1's loss falls within two "
               "epochs, task2's keeps falling slowly. Watch the loss ratios L(t)/L(0) and the weights that react to "
               "them: GradNorm raises the task whose ratio lags (task2), FAMO the task whose log-loss falls slowest "
               "right now (task1, once it has plateaued), DWA looks at the last two epochs. 3 seeds.",
         "zh": "task1 是线性的（m = 0），task2 有 10 个正弦项（m_b = 10，c = 2）：task1 的损失两轮内就降下来，task2 的"
               "损失缓慢下降。观察损失比 L(t)/L(0) 以及对它作出反应的权重：GradNorm 提高损失比落后的任务（task2），"
               "FAMO 提高当前对数损失下降最慢的任务（task1 进入平台期之后就是它），DWA 只看最近两轮。3 个种子。"},
        {"model": "shared_bottom", "model.bottom_units": (32,), "data.d": 20, "data.n_train": 3000, "data.rho": 0.5,
         "data.m": 0, "data.m_b": 10, "data.c": 2.0, "train.epochs": 10, "train.batch_size": 64, "train.lr": 0.003},
        axes={"weighting": _registered("ew", "gradnorm", "dwa", "famo")}, seeds=(0, 1, 2)),
    Preset(
        "balance_seesaw", "balance",
        {"en": "The seesaw map: architectures × weightings against single-task models",
         "zh": "跷跷板图：结构 × 加权策略，对比单任务模型"},
        {"en": "Shared-Bottom, MMoE and CGC, each with equal weights, UW and GradNorm, on 2,000 samples of two "
               "related tasks (ρ = 0.5; task1 non-linear, task2 linear), 3 seeds. Every configuration is one point: "
               "its MTL gain on task1 against its gain on task2, relative to single-task models trained on the "
               "same data with the same budget. Up and right is better on both; the quadrants name negative "
               "transfer, seesaw and both win.",
         "zh": "Shared-Bottom、MMoE 与 CGC，分别配合等权重、UW 与 GradNorm，在两个相关任务（ρ = 0.5；task1 非线性，"
               "task2 线性）的 2,000 个样本上训练，3 个种子。每种配置是一个点：相对于在同样数据、同样预算下训练的"
               "单任务模型，它在 task1 上的 MTL 增益对比在 task2 上的增益。越靠右上越好；四个象限分别标出负迁移、"
               "跷跷板与双赢。"},
        {"model": "shared_bottom", "model.bottom_units": (32,), "data.d": 20, "data.n_train": 2000, "data.rho": 0.5,
         "data.m_b": 0, "train.epochs": 10, "train.batch_size": 64, "train.lr": 0.003},
        axes={"model": ("shared_bottom", "mmoe", "cgc"), "weighting": _registered("ew", "uw", "gradnorm")},
        seeds=(0, 1, 2)),
    # ---- the Playground's starting point (app/sections/playground/urlstate.py loads it for a link without settings)
    # MMoE in the regime of mmoe_paper_quick, where task relatedness matters (the synthetic data's own defaults
    # are a regime where it barely does). Its study: Shared-Bottom at its default 113 units (more parameters
    # than this MMoE) and MMoE over rho in {0.5, 0.9, 1}. benchmarks/playground_default.py measures what it
    # shows on fresh seeds.
    Preset(
        PLAYGROUND_DEFAULT, "playground",
        {"en": "Start here: MMoE and Shared-Bottom as the tasks drift apart",
         "zh": "从这里开始：任务逐渐不相关时的 MMoE 与 Shared-Bottom"},
        {"en": "MMoE at task correlation ρ = 0.5 on synthetic data chosen so that ρ matters (the MMoE paper's "
               "regime: 20 inputs, c = 2, the fixed α/β draw 5, 10,000 samples, Adam at 0.003, batch 256, 20 "
               "epochs). Its study trains Shared-Bottom (113 units, more parameters than this MMoE) and MMoE at "
               "ρ ∈ {0.5, 0.9, 1} × 10 seeds: both lose as ρ falls, and MMoE stays well below Shared-Bottom.",
         "zh": "任务相关性 ρ = 0.5 时的 MMoE，合成数据经过挑选，使 ρ 的影响能够显现（MMoE 论文的设置：20 维输入、"
               "c = 2、固定的 α/β 抽样 5、10,000 个样本、Adam 学习率 0.003、批大小 256、20 轮）。它的研究训练 "
               "Shared-Bottom（113 个单元，参数比这个 MMoE 多）与 MMoE，ρ ∈ {0.5, 0.9, 1} × 10 个种子：ρ 越低"
               "两者都越差，而 MMoE 始终明显低于 Shared-Bottom。"},
        {**{k: v for k, v in MMOE_PAPER_REGIME.items() if not k.startswith("model")}, "model": "mmoe",
         "data.rho": 0.5},
        axes={"model": ("shared_bottom", "mmoe"), "data.rho": (0.5, 0.9, 1.0)}, seeds=tuple(range(10))),
    # ---- lessons ----
    # Presets only the lessons (lessons/<lang>/) open. lesson_sharing: the balancing lab's seesaw data (ρ = 0.5,
    # task1 non-linear, task2 linear, 2,000 samples) with the single-task baseline as one of the architectures,
    # so the Playground's study shows every way of sharing against "no sharing" on the same draws.
    Preset(
        "lesson_sharing", "playground",
        {"en": "Ways to share: single-task, Shared-Bottom, Cross-Stitch, asymmetric sharing",
         "zh": "共享的方式：单任务、Shared-Bottom、Cross-Stitch、非对称共享"},
        {"en": "The seesaw data of the balancing lab (ρ = 0.5; task1 non-linear, task2 linear; 2,000 samples): "
               "separate single-task networks, one shared bottom, two columns mixed by a learned cross-stitch "
               "matrix, and asymmetric sharing (task2 also reads task1's bottom) × 3 seeds, 10 epochs.",
         "zh": "与损失平衡实验室相同的跷跷板数据（ρ = 0.5；task1 非线性，task2 线性；2,000 个样本）：各自独立的单任务"
               "网络、一个共享底层、由可学习的十字绣矩阵混合的两列网络，以及非对称共享（task2 同时读取 task1 的底层）"
               "× 3 个种子，训练 10 轮。"},
        {"model": "shared_bottom", "model.bottom_units": (32,), "data.d": 20, "data.n_train": 2000, "data.rho": 0.5,
         "data.m_b": 0, "train.epochs": 10, "train.batch_size": 64, "train.lr": 0.003},
        axes={"model": ("single_task", "shared_bottom", "cross_stitch", "asymmetric")}, seeds=(0, 1, 2)),
    # ---- the feed world: many tasks and expert health (lesson 10; studies: mtl_core/experiments/feed.py) ----
    # Regimes of mtl_core.experiments.feed (FEED_BASE, COLLAPSE_REGIME); benchmarks/feed_studies.py judges them
    # on seeds 200-209. These classroom versions train fewer seeds.
    *FEED_PRESETS,
)}


def get_preset(preset_id: str, field_name: str = "preset") -> Preset:
    if preset_id not in PRESETS:
        raise ConfigError(field_name, preset_id, "one of " + ", ".join(PRESETS))
    return PRESETS[preset_id]
