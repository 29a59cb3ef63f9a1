"""中文：训练参数的注册表文字 (train). See `__init__.py` for the format."""

STRINGS: dict[str, str | tuple[str, str]] = {
    # ---- 参数标签: p.<param>, p.<section>.<param>
    "p.epochs": ("Epoch 数", "8f4dcf15"),
    "p.batch_size": ("批大小", "672f7849"),
    "p.lr": ("学习率", "052f487f"),
    "p.optimizer": ("优化器", "5b15e9cc"),
    "p.weight_decay": ("权重衰减", "144d7d96"),
    "p.seed": ("随机种子（数据、初始化、批次顺序）", "d773172d"),
    "p.device": ("设备", "a5a74a6d"),
    "p.baseline": ("单任务基线（虚线）", "104860a5"),
    "p.snapshots_per_epoch": ("每个 epoch 的实时更新次数", "c778f0ce"),
    # ---- 参数说明: help.train.<param>
    "help.train.epochs": ("遍历训练数据的轮数", "11cb934a"),
    "help.train.batch_size": ("每个优化步的样本数", "140ffcda"),
    "help.train.lr": ("学习率", "221ace74"),
    "help.train.optimizer": ("优化器", "c9c3b018"),
    "help.train.weight_decay": ("L2 惩罚 / 解耦权重衰减", "46c0c160"),
    "help.train.seed": ("数据抽取、参数初始化和批次顺序的随机种子", "9ea4cc51"),
    "help.train.device": ("在哪里训练：auto 依次选择 CUDA、MPS、CPU", "01f6ddf9"),
    "help.train.baseline": ("同时用相同的数据和预算训练单任务基线", "81b33d50"),
    "help.train.snapshots_per_epoch": ("每个 epoch 的评估次数（实时视图的更新次数）", "36d0b1f7"),
}
