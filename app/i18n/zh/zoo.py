"""中文：模型库。"""

STRINGS: dict[str, str] = {
    "zoo.title": "模型库",
    "zoo.intro": "训练场能训练的一切，直接来自程序库的注册表。点击名称即可在训练场中打开该选项。",
    "zoo.arch": "模型结构",
    "zoo.weighting": "损失加权策略",
    "zoo.data": "数据集",
    "zoo.col.name": "名称",
    "zoo.col.id": "id",
    "zoo.col.paper": "论文",
    "zoo.col.year": "年份",
    "zoo.col.description": "作用",
    "zoo.col.params": "超参数（默认值）",
    "zoo.col.kind": "类型",
    "zoo.kind.gradient": "基于梯度",
    "zoo.kind.loss": "基于损失",
}
