"""中文: the balancing lab (page text, its figures and tables)."""

STRINGS: dict[str, str] = {
    "nav.balance": "损失平衡实验室",
    "bal.title": "损失平衡实验室：当任务把共享层往不同方向拉",
    "bal.intro": "多任务模型共享若干层，当任务对它们的拉力不同时会出三类问题：损失尺度不同（一个任务淹没另一个）、"
                 "任务梯度方向不同（冲突），以及任务学习速度不同。各种损失加权策略声称能解决这些问题。选择一个场景，"
                 "在相同的数据与种子上训练每种策略，并把每条结论与等权重（EW）和单任务模型对照检验。",
    # the four problems
    "bal.problem.loss_scale.title": "问题：损失尺度不同",
    "bal.problem.loss_scale.what": "task2 的标签乘以一个系数（默认 ×10，因此它的平方误差大 100 倍）。等权重时共享层"
                                   "跟随 task2 大得多的梯度，小尺度的 task1 最终明显落后于单独训练的模型。",
    "bal.problem.loss_scale.look": "**看什么。** 结论表：哪些策略能把 task1 拉回来而不损害 task2。跷跷板图：EW 位于零的左侧（task1"
                                   " 不如其单任务模型）。权衡曲线：接近 100:1 的固定权重正是平衡策略应当自己找到的位置。DWA 响应的是损失下降的快"
                                   "慢，而不是损失的尺度。UW 与 GradNorm 用模型的优化器学习权重，每一步大约只挪动一个学习率：试试 ×100，看"
                                   "它们如何来不及调整。",
    "bal.problem.conflict.title": "问题：梯度冲突",
    "bal.problem.conflict.what": "两个任务负相关（ρ = −0.9），task2 大 3 倍，共享底层很小。每一步都记录共享层上两个"
                                 "任务梯度的余弦：策略组合梯度之前；以及之后——实际更新方向与每个任务自身梯度的余弦。"
                                 "之后 < 0 表示这一步（一阶近似下）让该任务变差。",
    "bal.problem.conflict.look": "**看什么。** 冲突时间线：EW 下大约一半的步骤任务梯度相互冲突，其中一部分步骤让某个任务上坡。PCGrad 与 G"
                                 "radVac 在构造上消除了上坡步——这是否让最终损失变好？消除冲突并不等于把两个任务都学好：把时间线与表格对照着看。",
    "bal.problem.speed.title": "问题：任务学习速度不同",
    "bal.problem.speed.what": "task1 是线性的、容易（m = 0）；task2 有十个正弦项（m_b = 10），一直缓慢改进。task1 的"
                              "损失比 L(t)/L(0) 两轮内就降下来，task2 的则落在后面。",
    "bal.problem.speed.look": "**看什么。** 先把轨迹切换到“损失比”，再切到“权重”。GradNorm 提高损失比落后的任务（task2）的权重；"
                              "FAMO 让各任务对数损失当前下降的速度相等，所以 task1 进入平台期后，FAMO 提高的是 task1；DWA 只"
                              "看最近两轮。额外的权重带来了什么，另一个任务又付出了什么？",
    "bal.problem.seesaw.title": "问题：跷跷板",
    "bal.problem.seesaw.what": "两个相关任务（ρ = 0.5；task1 非线性，task2 线性），只有 2,000 个样本。每种结构 × 策略"
                               "都与在同样数据、同样预算下训练的单任务模型比较：MTL 增益（越高越好；MSE 的增益为单任务 − "
                               "MTL，这里以单任务损失的百分比表示）。",
    "bal.problem.seesaw.look": "**看什么。** 跷跷板图（PLE 论文）：左下象限是负迁移（MTL 在两个任务上都更差），两个非对角象限是跷跷板（一个"
                               "任务提升、另一个下降），右上是双赢。是结构还是加权策略更能移动这些点？",
    "bal.problem.custom.title": "你自己的研究",
    "bal.problem.custom.what": "",
    "bal.problem.custom.look": "",
    # knobs
    "bal.knobs": "场景",
    "bal.scenario": "场景",
    "bal.scenario_help": "一个命名的起点（预设）；切换它会重置下面所有的设置。",
    "bal.run_knobs": "研究设置",
    "bal.strategies": "策略",
    "bal.strategies_help": "可以选择任何已注册的损失加权策略；每种策略的所有种子合并为一个批量模型训练。EW 是评判其他"
                           "策略的参照。",
    "bal.no_strategies": "请至少选择一种策略。",
    "bal.archs": "结构",
    "bal.archs_help": "每种结构 × 策略是跷跷板图上的一个点。",
    "bal.no_archs": "请至少选择一种结构。",
    "bal.seeds": "种子数",
    "bal.seeds_help": "每种策略看到相同的数据抽样与初始化，每个种子一份；结论按种子逐一配对比较。",
    "bal.static": "静态权重权衡曲线",
    "bal.static_help": "同时训练一组固定的任务权重（一个批量模型：每次运行的权重不同），描出任务之间的权衡。",
    "bal.baselines": "单任务基线",
    "bal.baselines_help": "同时为每个任务训练一个独立网络，使用相同的数据、种子与预算：MTL 增益与跷跷板图的参照。",
    "bal.conflict": "记录梯度冲突",
    "bal.conflict_help": "每一步记录共享层上任务梯度之间的余弦，分别在策略组合梯度之前与之后（每个任务多一次反向传播；"
                         "不计入每步时间）。",
    # run
    "bal.run_title": "训练各种策略",
    "bal.run": "运行研究",
    "bal.invalid": "有些设置无效：",
    "bal.plan": "{strategies} 种策略 × {archs} 种结构 × {seeds} 个种子：{mtl} 次 MTL 训练、{static} 次静态权重训练、"
                "{single} 次单任务训练，每种策略一个批量模型。",
    "bal.plan_conflict": "每一步都记录梯度冲突。",
    "bal.preparing": "正在准备数据与第一个批量模型…",
    "bal.live_caption": "实时：已训练策略的任务权重（种子平均，阴影为最低到最高的种子）。",
    "bal.hint": "点击 **运行研究**，在这个场景上训练所选策略。我们自己运行的结果见上方的框。",
    # measured
    "bal.measured_title": "我们的运行在这个场景中显示了什么",
    "bal.measured_caption": "所有已注册策略与 EW 在相同的 {seeds} 个种子上按种子配对比较。命令：`{command}`",
    "bal.no_reference": "请在策略中包含 EW，才能以它为参照评判其他策略。",
    "bal.claim_line": "**{task}** — 比 EW 更好：{helps}。更差：{hurts}。种子太少，无法判断：{unclear}。",
    # results
    "bal.results_title": "你的研究结果",
    "bal.results_of": "{runs} 次训练在 {s:.0f} 秒内完成（{status}）。停止的研究会保留已完成的训练。",
    "bal.nothing_finished": "研究被停止前没有任何训练完成。",
    "bal.claims_title": "以 EW 为参照检验结论",
    "bal.claims_caption": "每种策略与等权重在相同种子上按种子配对比较（应用中所有判定都用这同一条规则）：效果是相对 EW 测试损失的平均改进百分比（正数 = 更好）、它的 95% 置信区间（少于 20 个种子时对种子做 bootstrap，20 个起用 Student t），以及该策略胜过 EW 的种子数。只有区间不含 0 时才记为 ✔ 更好 / ✘ 更差，否则记为 ≈ 种子太少，无法判断（少于 3 个种子时没有区间）。冒号后的数字为 EW 的测试损失 → 该策略的测试损失。",
    "bal.seesaw_title": "跷跷板图",
    "bal.seesaw_caption": "每个点是一种结构配合一种策略：它在 task1（x）与 task2（y）上的 MTL 增益，以单任务模型测试损失"
                          "的百分比表示，种子平均，误差线为 ±1 标准差。越靠右上，两个任务都越好。留意只改变策略时就跨越"
                          "象限边界的点。",
    "bal.seesaw_count": "两个任务都提升的配置：{win}；跷跷板：{seesaw}；两个任务都负迁移：{negative}。",
    "bal.tradeoff_title": "权衡曲线",
    "bal.tradeoff_caption": "灰色：固定任务权重 w1 : w2（实心点表示没有其他固定权重在两个任务上都胜过它）。彩色：每种策略"
                            "的最终损失，种子平均 ± 1 标准差。越靠左下越好；只有当策略落在灰色前沿附近或之外时才值得它"
                            "的开销，因为简单的网格搜索也能达到那条前沿。",
    "bal.tradeoff_caption_strategies": "每种策略的最终损失，种子平均 ± 1 标准差；越靠左下越好。打开静态权重权衡曲"
                                       "线（若该场景提供）即可看到固定权重能达到的位置。",
    "bal.tradeoff_line": "位于静态权重前沿上或之外（1 个标准差以内）：{front}。在两个任务上都被某个固定权重胜过：{behind}。",
    "bal.traj_title": "训练过程中的任务权重与损失比",
    "bal.traj_pick": "并排比较的策略",
    "bal.traj_value": "显示",
    "bal.traj_value.weight": "权重",
    "bal.traj_value.loss_ratio": "损失比",
    "bal.arch_views": "下方视图显示的结构",
    "bal.traj_caption_weight": "每种策略施加在每个任务上的权重（自上一快照以来的平均；阴影为最低到最高的种子）。对基于梯度"
                               "的策略，它是该任务梯度的等效系数。留意一直朝一个方向变化的权重：训练结束时策略仍在调整。",
    "bal.traj_caption_ratio": "验证损失除以其初始值，对数坐标。损失比一直较高的任务就是慢任务；GradNorm 与 FAMO 试图提高"
                              "它的权重。",
    "bal.conflict_title": "梯度冲突",
    "bal.conflict_off": "本次研究没有记录：在侧边栏打开“记录梯度冲突”后重新运行（冲突场景中默认打开）。",
    "bal.conflict_pick": "策略",
    "bal.conflict_caption": "灰色：策略组合梯度之前，共享层上两个任务梯度的余弦。彩色：实际更新方向与某个任务梯度的最小"
                            "余弦（小于 0 表示这一步让该任务变差）。种子平均并平滑；各面板标题给出余弦小于 0 的步骤比例，"
                            "之前 → 之后。MGDA-UB 平衡的是共享表示上的梯度而不是参数上的梯度，因此这里不保证“之后 ≥ 0”。",
    "bal.conflict_row": "{name}：{before:.0f}% → {after:.0f}%",
    "bal.table_title": "对比表",
    "bal.table_caption": "每个任务的最终测试损失（种子平均 ± 标准差）、相对单任务模型的 MTL 增益（PLE 论文：越高越好；"
                         "MSE 增益 = 单任务 − MTL，以百分比表示）、相对 EW 的结论，以及在同一结构上每个优化步相对 EW 的"
                         "耗时（在此测得，不含评估与冲突记录；共享 CPU 上有噪声）。",
    "bal.single_line": "单任务基线的测试损失：{values}。",
    "bal.download": "下载 results.csv",
    "bal.strategies_ref": "各种策略及其论文",
    # figures
    "bal.fig.seesaw_title": "跷跷板图：相对单任务模型的 MTL 增益",
    "bal.fig.no_baselines": "训练单任务基线后才能绘制跷跷板图",
    "bal.fig.both_win": "双赢",
    "bal.fig.negative": "负迁移",
    "bal.fig.seesaw": "跷跷板",
    "bal.fig.seeds": "种子数",
    "bal.fig.gain_axis": "{task} 上的 MTL 增益（单任务损失的 %）",
    "bal.quadrant.both_win": "双赢",
    "bal.quadrant.seesaw": "跷跷板",
    "bal.quadrant.negative": "负迁移",
    "bal.fig.tradeoff_title": "权衡：task1 与 task2 的最终损失",
    "bal.fig.test_loss": "测试损失",
    "bal.fig.static": "静态权重 w1 : w2",
    "bal.fig.static_point": "静态权重",
    "bal.fig.better": "← 两个任务都更好 ↙",
    "bal.fig.weights_title": "训练过程中的任务权重",
    "bal.fig.ratio_title": "训练过程中的损失比 L(t) / L(0)",
    "bal.fig.loss_ratio": "L(t) / L(0)",
    "bal.fig.conflict_title": "策略之前与之后的梯度余弦",
    "bal.fig.no_conflict": "没有记录梯度冲突",
    "bal.fig.conflict_panel": "{name}：{before:.0f}% → {after:.0f}%",
    "bal.fig.before": "task1 对 task2（之前）",
    "bal.fig.after": "更新方向对最差任务（之后）",
    "bal.fig.after_legend": "更新方向对最差任务（之后，策略颜色）",
    "bal.fig.step": "步",
    # tables
    "bal.col.arch": "结构",
    "bal.col.strategy": "策略",
    "bal.col.task": "任务",
    "bal.col.test_loss": "测试损失",
    "bal.col.test_auc": "测试 AUC",
    "bal.col.gain": "MTL 增益",
    "bal.col.vs_ew": "对比 EW",
    "bal.col.time": "每步耗时 / EW",
    "bal.col.seeds": "种子数",
    "bal.effect.reference": "参照",
    "bal.effect.helps": "✔ {text}",
    "bal.effect.hurts": "✘ {text}",
    "bal.effect.unclear": "≈ {text}",
    "bal.found.intro": "**我们的运行**（种子 {seeds}：挑选场景时未使用的 {n} 个种子；{strategies} 种策略，每种都与 EW 按种子配对比较，效果以 EW 测试损失的百分比表示，附 95% 置信区间）。",
    "bal.found.ew": "EW 下：{items}。",
    "bal.found.ew_task": "{task} {mean:.3g} ± {sd:.2g}（其单任务模型 {single:.3g}）",
    "bal.found.conflict": "EW 下 {before:.0f}% 的步骤任务梯度冲突，{after:.1f}% 的步骤让某个任务上坡；上坡步骤比例：{items}。",
    "bal.found.strategy": "**{name}**：{items}。",
    "bal.found.count": "在 {task} 上，{n} 种策略中有 {better} 种比 EW 更好（改进最多：{top}），{worse} 种更差。",
    "bal.found.seesaw": "EW 下相对单任务模型的 MTL 增益（占其测试损失的百分比）：{items}。",
    "bal.found.seesaw_arch": "{arch} task1 {a:+.0f}%，task2 {b:+.0f}%",
}
