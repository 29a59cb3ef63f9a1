"""中文：模型库。"""

STRINGS: dict[str, str] = {
    "zoo.title": "模型库",
    "zoo.intro": "本应用能训练的一切，直接来自程序库的注册表。点击名称即可打开训练它的页面：点击 → 转化模型在漏斗探索器中，"
                 "其余在训练场中。",
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
    "zoo.col.n_params": "参数量",
    "zoo.n_params_note": "参数量：默认规模下、在链接打开的数据集上可训练的权重与偏置个数。",
    "zoo.inside": "查看模型结构内部",
    "zoo.pick": "模型结构",
    "zoo.pick_weighting": "查看某个策略的代码",
    "zoo.n_params": "可训练参数：在 {data} 上默认规模为 **{n:,}**",
    "zoo.n_params_help": "MMoE 论文的计数方式（只计权重矩阵：不含偏置、门控与输出单元）：{n:,}",
    "zoo.train_it": "在{page}中训练",
    "zoo.diagram_caption": "数据从底部的输入流向顶部的任务输出；彩色方框属于某一个任务，灰色方框为共享部分。",
}
