"""中文：参数标签，以及注册表文字（名称、描述、每个参数的说明）的翻译。"""

STRINGS: dict[str, str] = {
    # ---- 参数的简短标签（控件）
    "p.rho": "ρ — 任务相关性",
    "p.n_train": "训练样本数",
    "p.n_val": "验证样本数",
    "p.n_test": "测试样本数",
    "p.noise": "标签噪声（标准差）",
    "p.m": "非线性程度 m（正弦项数）",
    "p.d": "输入维度 d",
    "p.c": "权重尺度 c",
    "p.n_tasks": "任务数",
    "p.ab_mode": "α、β 的抽取方式",
    "p.ab_seed": "α、β 的随机种子",
    "p.n_experts": "专家数",
    "p.expert_units": "专家各层宽度",
    "p.tower_units": "塔各层宽度",
    "p.bottom_units": "底层各层宽度",
    "p.embed_dim": "嵌入维度",
    "p.shared_experts": "共享专家数",
    "p.task_experts": "每个任务的专家数",
    "p.n_levels": "层数",
    "p.epochs": "Epoch 数",
    "p.batch_size": "批大小",
    "p.lr": "学习率",
    "p.optimizer": "优化器",
    "p.weight_decay": "权重衰减",
    "p.seed": "随机种子（数据、初始化、批次顺序）",
    "p.device": "设备",
    "p.baseline": "单任务基线（虚线）",
    "p.snapshots_per_epoch": "每个 epoch 的实时更新次数",
    "p.n_impressions": "曝光数",
    "p.n_users": "用户数（ID 基数）",
    "p.n_items": "物品数（ID 基数）",
    "p.relatedness": "CTR 与 CVR 的相关性",
    "p.base_ctr": "基础点击率",
    "p.base_cvr": "基础转化率",
    "p.latent_dim": "隐因子维度",
    "p.bias_std": "偏置离散度（标准差）",
    "p.latent_std": "因子离散度（标准差）",
    "p.n_dense": "稠密特征数",
    "p.val_frac": "验证集比例",
    "p.test_frac": "测试集比例",
    "p.backbone": "主干网络",
    "p.hidden_units": "隐藏层宽度",
    "p.column_units": "每列各层宽度",
    "p.calibrator_alpha": "校准项权重 α",
    "p.weights": "任务权重",
    "p.omega": "初始权重 ω",
    "p.gamma": "每个 epoch 的衰减 γ",
    "p.alpha": "不对称系数 α",
    "p.temperature": "温度 T",
    "p.normalize": "梯度归一化",
    "p.mode": "模式",
    "p.weighting.c": "冲突规避系数 c",
    "p.update_weights_every": "权重更新间隔（步）",
    "p.max_norm": "梯度裁剪范数",
    "p.source_task": "源任务",
    "p.stop_gradient": "阻断流向源任务的梯度",
    "p.l0_lambda": "L0 惩罚系数 λ",
    "p.k": "每个任务的专家数（k）",
    "p.gating": "门控方式",
    "p.entropy_reg": "熵正则系数",
    "p.model.gamma": "平滑阶跃宽度 γ",
    "p.task_group": "任务组",
    "p.n_eval": "验证集 / 测试集大小",
    "p.selection_strength": "点击选择强度",
    "p.propensity_floor": "倾向值下限",
    "p.counterfactual_weight": "反事实项权重 λ",
    # ---- 注册表名称
    "name.data.synthetic": "合成数据（MMoE 论文，可控任务相关性）",
    # ---- 注册表描述
    "desc.data.synthetic": "相关性 ρ 由你设定的回归任务；标签相关性为实测值。",
    # ---- 参数说明：数据集
    "help.data.synthetic.n_train": "训练样本数",
    "help.data.synthetic.n_val": "验证样本数",
    "help.data.synthetic.n_test": "测试样本数",
    "help.data.synthetic.d": "输入维度",
    "help.data.synthetic.rho": "任务相关性：两个任务权重向量的余弦",
    "help.data.synthetic.c": "权重向量的尺度",
    "help.data.synthetic.m": "正弦项的个数（非线性程度）",
    "help.data.synthetic.ab_mode": "alpha/beta：'fixed' = 由 ab_seed 抽取一次（论文中的给定参数）；'random' = 按每次训练的种子重新抽取",
    "help.data.synthetic.ab_seed": "固定 alpha/beta 抽取所用的随机种子",
    "help.data.synthetic.noise": "标签噪声的标准差",
    "help.data.synthetic.n_tasks": "任务数",
    "help.data.synthetic.label_scale_b": "task2 标签的乘数（其损失按平方增大）：损失尺度失衡",
    "help.data.synthetic.m_b": "task2 的正弦项个数（-1：与 m 相同）：一个容易、一个困难的任务",
    "help.data.synthetic.noise_b": "task2 的标签噪声标准差（-1：与 noise 相同）",
    # ---- 注册表名称
    "name.data.funnel": "漏斗：曝光 → 点击 → 转化（ESMM 场景）",
    # ---- 注册表描述
    "desc.data.funnel": "用户 × 物品，真实的 pCTR 和 pCVR 已知；只有点击之后才能观察到转化。ID 基数（稀疏程度）和 CTR 与 CVR 的相关性决定 ESMM 能否胜过只用点击样本训练的 "
                        "CVR 模型。",
    # ---- 参数说明：数据集
    "help.data.funnel.n_impressions": "曝光数（所有数据划分合计）",
    "help.data.funnel.n_users": "用户数（ID 基数；越多越稀疏）",
    "help.data.funnel.n_items": "物品数（ID 基数；越多越稀疏）",
    "help.data.funnel.latent_dim": "用户/物品隐向量的维度 k",
    "help.data.funnel.base_ctr": "曝光的平均点击率",
    "help.data.funnel.base_cvr": "点击后的转化率",
    "help.data.funnel.relatedness": "ρ：CVR 侧的偏置和因子与 CTR 侧的相关性",
    "help.data.funnel.selection_strength": "点击对曝光的选择强度：放大 CTR logit 的离散程度（0 = 随机点击，没有样本选择偏差；2 = 点击集中在最可能被点击的曝光上）",
    "help.data.funnel.bias_std": "用户和物品偏置的标准差",
    "help.data.funnel.latent_std": "每个隐因子坐标的标准差（交互项的标准差为 latent_std²）",
    "help.data.funnel.n_dense": "稠密上下文特征数（对两个 logit 都有较小的线性影响）",
    "help.data.funnel.val_frac": "验证集占曝光的比例",
    "help.data.funnel.test_frac": "测试集占曝光的比例",
    # ---- 注册表名称
    "name.data.census": "Census-Income（KDD），真实数据（MMoE 论文基准）",
    # ---- 注册表描述
    "desc.data.census": "来自 1994–95 年美国当前人口调查的 299,285 人：预测收入 > 5 "
                        "万美元（或是否有大学学位）以及是否从未结婚。特征大多是类别型，经由共享嵌入层输入。需要下载一次：`python -m mtl_core data fetch census`。",
    # ---- 参数说明：数据集
    "help.data.census.task_group": "1：收入 > 5 万美元 与 从未结婚；2：大学学位 与 从未结婚（MMoE 论文中的两组任务）",
    "help.data.census.n_train": "训练行数：从官方训练文件的 199,523 行中固定抽取的子样本（论文设置下使用全部）",
    "help.data.census.n_eval": "验证集和测试集各自的行数（官方测试文件的两半，各 49,881 行）",
    # ---- 注册表名称
    "name.arch.single_task": "单任务基线",
    # ---- 注册表描述
    "desc.arch.single_task": "每个任务一个独立网络：不共享，没有干扰，也没有迁移。",
    # ---- 参数说明：模型结构
    "help.arch.single_task.bottom_units": "每个任务网络的各隐藏层宽度",
    "help.arch.single_task.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.single_task.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.shared_bottom": "Shared-Bottom（共享底层）",
    # ---- 注册表描述
    "desc.arch.shared_bottom": "所有任务读取同一个共享表示；成本低，但相关性弱的任务会把它往不同方向拉扯。",
    # ---- 参数说明：模型结构
    "help.arch.shared_bottom.bottom_units": "共享底层的各隐藏层宽度（113 与 MMoE 论文的参数预算一致）",
    "help.arch.shared_bottom.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.shared_bottom.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.cross_stitch": "Cross-Stitch（十字绣网络）",
    # ---- 注册表描述
    "desc.arch.cross_stitch": "每个任务一列网络，每层之后用可学习的矩阵让各列互相借用信息。",
    # ---- 参数说明：模型结构
    "help.arch.cross_stitch.column_units": "每个任务列的各隐藏层宽度（每层之后都有一个十字绣单元）",
    "help.arch.cross_stitch.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.cross_stitch.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.omoe": "OMoE（单门控混合专家）",
    # ---- 注册表描述
    "desc.arch.omoe": "共享专家 + 一个所有任务共用的门控：会混合专家，但对每个任务都一样。",
    # ---- 参数说明：模型结构
    "help.arch.omoe.n_experts": "共享专家数",
    "help.arch.omoe.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.omoe.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.omoe.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.mmoe": "MMoE（多门控混合专家）",
    # ---- 注册表描述
    "desc.arch.mmoe": "共享专家 + 每个任务一个 softmax 门控：每个任务选择自己的专家组合。",
    # ---- 参数说明：模型结构
    "help.arch.mmoe.n_experts": "共享专家数",
    "help.arch.mmoe.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.mmoe.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.mmoe.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.cgc": "CGC（定制门控）",
    # ---- 注册表描述
    "desc.arch.cgc": "每个任务有专属专家和共享专家；任务的门控只混合这些专家（单层 PLE）。",
    # ---- 参数说明：模型结构
    "help.arch.cgc.shared_experts": "每层的共享专家数",
    "help.arch.cgc.task_experts": "每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值",
    "help.arch.cgc.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.cgc.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.cgc.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.ple": "PLE（渐进式分层提取）",
    # ---- 注册表描述
    "desc.arch.ple": "多层堆叠的任务专属专家与共享专家：每个任务保留自己的专家，相互冲突的任务不再争抢同一批专家。",
    # ---- 参数说明：模型结构
    "help.arch.ple.n_levels": "堆叠的提取层数（1 = CGC）",
    "help.arch.ple.shared_experts": "每层的共享专家数",
    "help.arch.ple.task_experts": "每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值",
    "help.arch.ple.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.ple.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.ple.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.esmm": "ESMM（全空间多任务模型）",
    # ---- 注册表描述
    "desc.arch.esmm": "只通过全部曝光上的 pCTCVR = pCTR × pCVR 学习 pCVR，避免只用点击样本带来的样本选择偏差。",
    # ---- 参数说明：模型结构
    "help.arch.esmm.backbone": "两个塔共享的部分（注册表中的一种结构）",
    "help.arch.esmm.bottom_units": "共享底层的各隐藏层宽度（113 与 MMoE 论文的参数预算一致）",
    "help.arch.esmm.n_experts": "共享专家数",
    "help.arch.esmm.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.esmm.shared_experts": "每层的共享专家数",
    "help.arch.esmm.task_experts": "每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值",
    "help.arch.esmm.n_levels": "堆叠的提取层数（1 = CGC）",
    "help.arch.esmm.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.esmm.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.aitm": "AITM（自适应信息迁移）",
    # ---- 注册表描述
    "desc.arch.aitm": "按顺序排列的漏斗任务：每一步用注意力读取上一步传来的信息，校准项保证后面的步骤概率不高于前面的步骤。",
    # ---- 参数说明：模型结构
    "help.arch.aitm.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.aitm.calibrator_alpha": "惩罚项权重：后面步骤的概率高于前面步骤时施加惩罚",
    "help.arch.aitm.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.asymmetric": "非对称共享",
    # ---- 注册表描述
    "desc.arch.asymmetric": "每个任务有自己的底层；一个任务的表示也输入其他任务的塔，反之则不然：帮助单向流动，源任务不受干扰。",
    # ---- 参数说明：模型结构
    "help.arch.asymmetric.source_task": "其表示也被其他任务读取的任务（1 = 第一个）；它自己只读取自己的表示",
    "help.arch.asymmetric.stop_gradient": "其他任务读取源任务的表示但不训练它（源任务只从自己的损失中学习）",
    "help.arch.asymmetric.bottom_units": "每个任务自身底层的各隐藏层宽度（64 时两个任务的参数量约等于 MMoE 论文的参数预算）",
    "help.arch.asymmetric.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.asymmetric.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.snr": "SNR（子网络路由）",
    # ---- 注册表描述
    "desc.arch.snr": "多层小型子网络，由可学习的开/关连接（L0 正则化）连接起来：每个任务穿过它们的路径由训练决定，相当于一次小型结构搜索。",
    # ---- 参数说明：模型结构
    "help.arch.snr.mode": "trans：每条连接有自己的可学习矩阵（SNR-Trans）；aver：对下层专家加权求和（SNR-Aver）",
    "help.arch.snr.n_levels": "专家的层数（路由步骤：层与层之间以及进入塔）",
    "help.arch.snr.n_experts": "每层的专家（子网络）数",
    "help.arch.snr.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.snr.l0_lambda": "L0 惩罚的权重：打开的路由连接的期望比例，加到损失中一次",
    "help.arch.snr.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.snr.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.dselect_k": "DSelect-k（可微 top-k 门控）",
    # ---- 注册表描述
    "desc.arch.dselect_k": "共享专家 + 可微的 top-k 门控：每个任务最终最多使用 k 个专家，其余权重恰好为零——一个任务真的需要所有专家吗？",
    # ---- 参数说明：模型结构
    "help.arch.dselect_k.n_experts": "共享专家数",
    "help.arch.dselect_k.k": "每个任务最多可使用的专家数（不超过专家总数）",
    "help.arch.dselect_k.gamma": "平滑阶跃函数过渡区的宽度 γ：越小越早做出选择",
    "help.arch.dselect_k.gating": "static：每个任务一个选择（论文中的静态门控）；per_example：每个样本一个选择",
    "help.arch.dselect_k.entropy_reg": "熵正则项的权重，促使每个选择器集中到一个专家上，加到损失中一次",
    "help.arch.dselect_k.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.dselect_k.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.dselect_k.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.esmm_ns": "ESMM-NS（不共享的 ESMM）",
    # ---- 注册表描述
    "desc.arch.esmm_ns": "在两个独立网络（各自有自己的嵌入）上使用 ESMM 的全空间损失：不共享特征时，仅靠损失函数能带来多少收益。",
    # ---- 参数说明：模型结构
    "help.arch.esmm_ns.bottom_units": "每个任务自身底层的各隐藏层宽度",
    "help.arch.esmm_ns.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.esmm_ns.embed_dim": "每个类别字段的嵌入维度",
    # ---- 注册表名称
    "name.arch.ipw": "IPW（逆倾向加权 CVR）",
    # ---- 注册表描述
    "desc.arch.ipw": "只在点击过的曝光上训练 CVR，每个样本按自身 CTR 塔给出的 1/pCTR 加权，使点击样本能代表整个空间。",
    # ---- 参数说明：模型结构
    "help.arch.ipw.backbone": "两个塔共享的部分（注册表中的一种结构）",
    "help.arch.ipw.bottom_units": "共享底层的各隐藏层宽度（113 与 MMoE 论文的参数预算一致）",
    "help.arch.ipw.n_experts": "共享专家数",
    "help.arch.ipw.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.ipw.shared_experts": "每层的共享专家数",
    "help.arch.ipw.task_experts": "每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值",
    "help.arch.ipw.n_levels": "堆叠的提取层数（1 = CGC）",
    "help.arch.ipw.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.ipw.embed_dim": "每个类别字段的嵌入维度",
    "help.arch.ipw.propensity_floor": "逆权重所除的最小倾向值（pCTR）：权重最大为 1/floor",
    # ---- 注册表名称
    "name.arch.escm2_ipw": "ESCM²-IPS（ESMM + 反事实 IPS 风险）",
    # ---- 注册表描述
    "desc.arch.escm2_ipw": "ESMM 的全空间损失，再加上点击曝光上的逆倾向加权 CVR 风险，作为反事实正则项，纠正 ESMM 的 CVR 偏差。",
    # ---- 参数说明：模型结构
    "help.arch.escm2_ipw.backbone": "两个塔共享的部分（注册表中的一种结构）",
    "help.arch.escm2_ipw.bottom_units": "共享底层的各隐藏层宽度（113 与 MMoE 论文的参数预算一致）",
    "help.arch.escm2_ipw.n_experts": "共享专家数",
    "help.arch.escm2_ipw.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.escm2_ipw.shared_experts": "每层的共享专家数",
    "help.arch.escm2_ipw.task_experts": "每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值",
    "help.arch.escm2_ipw.n_levels": "堆叠的提取层数（1 = CGC）",
    "help.arch.escm2_ipw.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.escm2_ipw.embed_dim": "每个类别字段的嵌入维度",
    "help.arch.escm2_ipw.counterfactual_weight": "λ：点击曝光上 IPS 加权 CVR 风险的权重",
    "help.arch.escm2_ipw.propensity_floor": "逆权重所除的最小倾向值（pCTR）：权重最大为 1/floor",
    # ---- 注册表名称
    "name.weighting.ew": "等权重（EW）",
    # ---- 注册表描述
    "desc.weighting.ew": "任务损失直接相加。",
    # ---- 注册表名称
    "name.weighting.static": "静态权重",
    # ---- 注册表描述
    "desc.weighting.static": "每个任务的损失乘以你选定的固定权重。",
    # ---- 参数说明：损失加权
    "help.weighting.static.weights": "任务权重：一个值对所有任务通用，或每个任务一个值",
    # ---- 注册表名称
    "name.weighting.ple_decay": "PLE 衰减权重",
    # ---- 注册表描述
    "desc.weighting.ple_decay": "w_k = ω_k·γ_k^epoch：任务权重随 epoch 按几何级数衰减。",
    # ---- 参数说明：损失加权
    "help.weighting.ple_decay.omega": "初始权重 ω_k（一个值，或每个任务一个值）",
    "help.weighting.ple_decay.gamma": "每个 epoch 的衰减 γ_k（一个值，或每个任务一个值）",
    # ---- 注册表名称
    "name.weighting.uw": "不确定性加权（UW）",
    # ---- 注册表描述
    "desc.weighting.uw": "学习每个任务的噪声方差 σ²；噪声大的任务权重 ∝ 1/σ²，另加 log σ 惩罚项。",
    # ---- 注册表名称
    "name.weighting.gradnorm": "GradNorm（梯度归一化）",
    # ---- 注册表描述
    "desc.weighting.gradnorm": "学习权重，使每个任务在最后一个共享层上的梯度范数与平均值一致，并按该任务落后的程度放大。",
    # ---- 参数说明：损失加权
    "help.weighting.gradnorm.alpha": "恢复力：把进展慢的任务往上推的力度",
    # ---- 注册表名称
    "name.weighting.dwa": "动态权重平均（DWA）",
    # ---- 注册表描述
    "desc.weighting.dwa": "根据上一个 epoch 各任务损失下降的速度分配权重：下降慢的任务权重更大。",
    # ---- 参数说明：损失加权
    "help.weighting.dwa.temperature": "softmax 温度：越高，权重越接近 1",
    # ---- 注册表名称
    "name.weighting.rlw": "随机损失加权（RLW）",
    # ---- 注册表描述
    "desc.weighting.rlw": "每步随机权重 T·softmax(N(0, I))：其他方法应当超越的试金石。",
    # ---- 注册表名称
    "name.weighting.pcgrad": "PCGrad（梯度手术）",
    # ---- 注册表描述
    "desc.weighting.pcgrad": "当两个任务的梯度冲突时，把每个梯度投影到另一个梯度的法平面上，再相加。",
    # ---- 注册表名称
    "name.weighting.mgda": "MGDA（最小范数）",
    # ---- 注册表描述
    "desc.weighting.mgda": "沿各任务梯度凸包中范数最小的向量前进：这个方向让每个任务的损失都下降（或停在帕累托驻点）。",
    # ---- 参数说明：损失加权
    "help.weighting.mgda.normalize": "求解最小范数前对梯度的归一化方式",
    "help.weighting.mgda.mode": "rep = MGDA-UB（对共享表示求梯度，开销小）；params = 在共享参数上的精确 MGDA",
    # ---- 注册表名称
    "name.weighting.cagrad": "CAGrad（冲突规避）",
    # ---- 注册表描述
    "desc.weighting.cagrad": "在平均梯度附近寻找更新方向，同时让改进最少的任务获得最大改进。",
    # ---- 参数说明：损失加权
    "help.weighting.cagrad.c": "平均梯度周围球的半径（0 = 直接取平均）",
    # ---- 注册表名称
    "name.weighting.nash_mtl": "Nash-MTL（讨价还价）",
    # ---- 注册表描述
    "desc.weighting.nash_mtl": "每个任务为自己的份额讨价还价：求解 (GGᵀ)α = 1/α，使每个任务都获得成比例的改进，没有任务占主导。",
    # ---- 参数说明：损失加权
    "help.weighting.nash_mtl.update_weights_every": "每隔这么多步重新计算 α（中间复用）",
    "help.weighting.nash_mtl.max_norm": "把合并后的共享梯度裁剪到此范数（0 表示不裁剪）",
    # ---- 注册表名称
    "name.weighting.famo": "FAMO（快速自适应）",
    # ---- 注册表描述
    "desc.weighting.famo": "对加权的对数损失做梯度下降，并在每步之后把权重移向损失下降最少的任务：不需要逐任务梯度就能让各任务均衡地改进。",
    # ---- 参数说明：损失加权
    "help.weighting.famo.lr": "任务权重 logits 的步长（它们有自己的 Adam 优化器）",
    "help.weighting.famo.gamma": "任务权重 logits 向等权重回归的衰减",
    # ---- 注册表名称
    "name.weighting.gradvac": "GradVac（梯度疫苗）",
    # ---- 注册表描述
    "desc.weighting.gradvac": "为每对任务设定一个目标梯度余弦（历史余弦的滑动平均）；当某对任务的余弦低于目标时，把恰好足够的另一任务梯度加到该梯度上，使余弦达到目标。",
    # ---- 参数说明：损失加权
    "help.weighting.gradvac.beta": "设定每对任务目标余弦的滑动平均速率（0 = 目标保持为 0，即 PCGrad）",
    # ---- 注册表名称
    "name.weighting.imtl": "IMTL（公平多任务学习）",
    # ---- 注册表描述
    "desc.weighting.imtl": "缩放各任务梯度，使更新在每个任务梯度方向上的投影相同；同时学习损失缩放，把各任务的损失拉到同一水平。",
    # ---- 参数说明：损失加权
    "help.weighting.imtl.variant": "hybrid = 论文中的 IMTL（损失均衡加梯度均衡）；g = 仅 IMTL-G；l = 仅 IMTL-L",
    "help.weighting.imtl.mode": "rep = 对共享表示求梯度（与论文相同，开销小）；params = 在共享参数上求梯度",
    # ---- 注册表名称
    "name.weighting.aligned_mtl": "Aligned-MTL（对齐主成分）",
    # ---- 注册表描述
    "desc.weighting.aligned_mtl": "先把各任务梯度变成相互正交且长度相同，再相加：没有任务主导更新，也没有任务彼此冲突。",
    # ---- 参数说明：损失加权
    "help.weighting.aligned_mtl.scale": "对齐后梯度的长度：最小奇异值（论文默认）、中位数或均方根",
    "help.weighting.aligned_mtl.mode": "params = 在共享参数上求梯度；rep = 对共享表示求梯度（Aligned-MTL-UB，开销小）",
    # ---- 注册表名称
    "name.weighting.db_mtl": "DB-MTL（双重均衡）",
    # ---- 注册表描述
    "desc.weighting.db_mtl": "对每个损失取对数后训练（损失尺度均衡），并把每个任务的梯度缩放到各任务梯度范数中的最大值（梯度幅度均衡）。",
    # ---- 参数说明：损失加权
    "help.weighting.db_mtl.beta": "各任务梯度滑动平均的速率（0 = 只用本步的梯度）",
    "help.weighting.db_mtl.beta_sigma": "σ：滑动平均速率按 β / step^σ 衰减（0 = 不衰减）",
    # ---- 注册表名称
    "name.weighting.metabalance": "MetaBalance（目标任务 + 辅助任务）",
    # ---- 注册表描述
    "desc.weighting.metabalance": "保持目标任务的梯度不变，把每个辅助任务的梯度幅度拉向目标任务的梯度幅度，每个共享层分别处理。",
    # ---- 参数说明：损失加权
    "help.weighting.metabalance.target": "目标任务的序号（0 = 第一个任务）；其余任务都是辅助任务",
    "help.weighting.metabalance.relax": "松弛因子 r：辅助任务梯度幅度被拉向目标任务梯度幅度的程度（1 = 相等，0 = 不变）",
    "help.weighting.metabalance.beta": "梯度范数滑动平均的速率",
    "help.weighting.metabalance.adapt": "缩放哪些辅助梯度：both = 全部；reduce = 只缩小比目标大的；enlarge = 只放大比目标小的",
    # ---- 参数说明：训练
    "help.train.epochs": "遍历训练数据的轮数",
    "help.train.batch_size": "每个优化步的样本数",
    "help.train.lr": "学习率",
    "help.train.optimizer": "优化器",
    "help.train.weight_decay": "L2 惩罚 / 解耦权重衰减",
    "help.train.seed": "数据抽取、参数初始化和批次顺序的随机种子",
    "help.train.device": "在哪里训练：auto 依次选择 CUDA、MPS、CPU",
    "help.train.baseline": "同时用相同的数据和预算训练单任务基线",
    "help.train.snapshots_per_epoch": "每个 epoch 的评估次数（实时视图的更新次数）",
    # ==== feed helper: the feed world and the industrial architectures (AdaTT, PEPNet, STEM, HoME) ====
    # ---- 参数的简短标签（控件）
    "p.n_authors": "作者数",
    "p.view_rate": "有效播放率",
    "p.like_rate": "点赞率",
    "p.follow_rate": "关注率",
    "p.share_rate": "分享率",
    "p.coherence": "γ — 互动任务的一致性",
    "p.dependency": "关注对长播放的依赖",
    "p.gate_units": "门控网络宽度",
    "p.group_experts": "每个任务组的专家数",
    "p.group_split": "任务分组位置",
    "p.lora_rank": "特征门控的秩",
    # ---- 注册表名称、描述与参数说明：数据集
    "name.data.feed": "信息流：一次曝光，五种反馈（短视频场景）",
    "desc.data.feed": "用户 × 物品 × 作者，有效播放、观看时长占比以及稀有的点赞、关注、分享的真实概率均已知；任务组之间的相关性可调，关注大多发生在长播放之后。",
    "help.data.feed.n_impressions": "曝光数（所有数据划分合计）",
    "help.data.feed.n_users": "用户数（ID 基数；越多越稀疏）",
    "help.data.feed.n_items": "物品数（ID 基数；越多越稀疏）",
    "help.data.feed.n_authors": "作者数；每个物品有一个作者（关注由用户与作者的匹配决定）",
    "help.data.feed.view_rate": "平均有效播放率（观看至少 30 %）",
    "help.data.feed.like_rate": "曝光的平均点赞率",
    "help.data.feed.follow_rate": "曝光的平均关注率",
    "help.data.feed.share_rate": "曝光的平均分享率",
    "help.data.feed.relatedness": "ρ：互动类任务（点赞、关注、分享）的得分与消费类任务（播放、时长）的得分之间的相关性",
    "help.data.feed.coherence": "γ：点赞、关注、分享在多大程度上共用同一个互动得分（0 = 各自独立）",
    "help.data.feed.dependency": "有效播放之后关注的对数几率提升（点赞和分享为其一半）：0 = 与播放无关",
    "help.data.feed.latent_dim": "用户/物品/作者隐向量的维度 k",
    "help.data.feed.bias_std": "用户、物品和作者偏置的标准差",
    "help.data.feed.latent_std": "每个隐因子坐标的标准差（交互项的标准差为 latent_std²）",
    "help.data.feed.n_dense": "稠密上下文特征数（对每个得分都有较小的线性影响）",
    "help.data.feed.val_frac": "验证集占曝光的比例",
    "help.data.feed.test_frac": "测试集占曝光的比例",
    # ---- 注册表名称、描述与参数说明：模型
    "name.arch.adatt": "AdaTT（自适应任务间融合）",
    "desc.arch.adatt": "每个任务有自己的一组专家；每个任务的门控融合所有专家组，并通过残差保留自己的专家组：门控权重显示每个任务在多大程度上借用其他任务的专家。",
    "help.arch.adatt.n_levels": "堆叠的融合层数",
    "help.arch.adatt.task_experts": "每层中每个任务自己的专家数：一个值对所有任务通用，或每个任务一个值",
    "help.arch.adatt.shared_experts": "每层的共享专家数（0 = AdaTT-sp，只有任务专家组）",
    "help.arch.adatt.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.adatt.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.adatt.embed_dim": "每个类别字段的嵌入维度",
    "name.arch.pepnet": "PEPNet（个性化的嵌入门控与参数门控）",
    "desc.arch.pepnet": "没有专家：由用户和物品 ID 计算的门控缩放共享嵌入以及每个任务塔的每一隐藏层，相当于为每个用户定制一个网络。",
    "help.arch.pepnet.gate_units": "每个门控网络（Gate NU）的隐藏单元数",
    "help.arch.pepnet.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.pepnet.embed_dim": "每个类别字段的嵌入维度",
    "name.arch.stem": "STEM（共享嵌入与任务专属嵌入）",
    "desc.arch.stem": "每个任务在共享嵌入表之外还有自己的嵌入表：每个任务的门控能看到所有专家，但一个任务的梯度只更新它自己的嵌入表和共享嵌入表。",
    "help.arch.stem.shared_experts": "读取共享嵌入的专家数",
    "help.arch.stem.task_experts": "读取每个任务自有嵌入的专家数：一个值对所有任务通用，或每个任务一个值",
    "help.arch.stem.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.stem.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.stem.embed_dim": "每个类别字段的嵌入维度",
    "name.arch.home": "HoME（多门控专家层级结构）",
    "desc.arch.home": "归一化的 Swish 专家，共享专家、任务组专家和任务专家组成的层级结构，以及让每个专家拥有自己的输入视角、让每个任务保留通向自己专家的残差的门控。",
    "help.arch.home.shared_experts": "每层的共享专家数",
    "help.arch.home.group_experts": "每层中每个任务组的专家数",
    "help.arch.home.task_experts": "第 2 层中每个任务自己的专家数",
    "help.arch.home.group_split": "位于此位置之前的任务组成第一个任务组，其余组成第二个（0 或不小于任务数：只有一个组）",
    "help.arch.home.lora_rank": "第 1 层每个专家的特征门控的秩（0 = 不用特征门控）",
    "help.arch.home.expert_units": "每个专家的各隐藏层宽度",
    "help.arch.home.tower_units": "每个任务塔的各隐藏层宽度",
    "help.arch.home.embed_dim": "每个类别字段的嵌入维度",
    # ==== end of the feed helper's block ====
}
