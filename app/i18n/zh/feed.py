"""中文：信息流世界的视图——专家健康度、AdaTT 融合热力图、分数融合小组件。"""

STRINGS: dict[str, str] = {
    # expert-health figure
    "fig.eh.title": "专家健康度",
    "fig.eh.use": "每个专家获得的门控权重（按门控堆叠）",
    "fig.eh.dead": "死亡单元（在该批数据的每一行上都传不回梯度）",
    "fig.eh.self": "自门控（自己的专家）",
    "fig.eh.use_axis": "门控权重",
    "fig.eh.dead_axis": "死亡单元",
    "fig.eh.gate": "{gate} · H {h:.2f}/{hmax:.2f}",
    "fig.eh.no_data": "训练过程中会测量专家健康度（约每秒一次）",
    "fig.eh.reason.dead": "死亡",
    "fig.eh.reason.unused": "未被使用",
    "fig.eh.reason.duplicate": "重复",
    # AdaTT fusion figure
    "fig.fusion.title": "AdaTT 任务间融合",
    "fig.fusion.cols": "取用谁的专家",
    "fig.fusion.colorbar": "门控<br>权重",
    # the seesaw figure
    "fig.gain.title": "{arch}：相对单任务模型的 MTL 增益，逐个任务（95% 区间）",
    "fig.gain.axis": "增益（正值 = MTL 更好）",
    "fig.gain.auc": "测试集 AUC",
    "fig.gain.loss": "测试集损失 ↓",
    "fig.gain.word.better": "更好",
    "fig.gain.word.worse": "更差",
    "fig.gain.word.unclear": "无法判断",
    # the Playground's views
    "eh.caption": "怎么看：上方柱子高 = 门控在用这个专家；没有柱子 = 没人用（斜线 = HoME 的自门控给各单元自己专家的"
                  "权重）。下方柱子 = 该专家死亡单元的占比：在每一行上都传不回梯度（从不激活的 ReLU；Swish 只有远低于 0 "
                  "时才如此）。红色并标 ⚠ = 被标记：死亡、所有门控都不用，或与另一个专家重复。图例中的 H 是各门控的熵；"
                  "最大值 log E 表示权重均匀，0 表示只用一个专家。",
    "eh.measured": "测量于第 {epoch:.1f} 轮。",
    "eh.fusion_caption": "AdaTT 每个融合单元的门控权重按专家组求和：第 t 行 = 任务 t 从各任务（以及共享）专家那里"
                         "取用多少；每行之和为 1。对角线强 = 各任务主要用自己的专家；非对角线的权重 = 任务之间的迁移。",
    "eh.entropy_title": "门控熵",
    "eh.col.gate": "门控",
    "eh.col.entropy": "熵 H",
    "eh.col.max": "最大值 log E",
    "eh.col.ratio": "H / log E",
    "eh.flagged": "被标记：{list}。",
    "eh.none_flagged": "没有专家被标记。",
    # the score-fusion widget (lesson 10)
    "les.ff.title": "信息流世界上的分数融合",
    "les.ff.intro": "一个在信息流世界上训练的小型 MMoE 为每个候选内容预测五个信号。选一个用户，选择把预测融合成一个"
                    "分数的方式，观察该用户信息流的前几名以及它们带来的价值（按真实概率计算）如何变化。",
    "les.ff.training": "正在信息流世界上训练一个小型 MMoE（每个会话一次，几秒钟）……",
    "les.ff.user": "用户",
    "les.ff.form": "融合公式",
    "les.ff.form.sum": "加权和 Σ w·p",
    "les.ff.form.product": "幂的乘积 Π p^w",
    "les.ff.w": "{task} 的权重",
    "les.ff.formula.sum": "分数 = {terms}",
    "les.ff.formula.product": "分数 = {terms}",
    "les.ff.col.rank": "名次",
    "les.ff.col.item": "内容",
    "les.ff.col.score": "分数",
    "les.ff.col.value": "真实价值",
    "les.ff.value_user": "该用户前 {k} 名：真实价值 / 最佳可能",
    "les.ff.value_all": "所有测试用户前 {k} 名：平均真实价值 / 最佳可能",
    "les.ff.value_best": "最佳可能 = 把同样的候选按真实价值排序（完美预测能达到的水平）。",
    "les.ff.note": "真实价值 = Σ 单位价值 × 真实概率（观看占比 1、点赞 5、关注 20、分享 10；有效观看 0）。模型从未"
                   "见过真实概率，只见过标签。模型：{model}，测试集 AUC {aucs}。",
}
