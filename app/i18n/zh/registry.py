"""中文：注册表文字（名称、描述、每个参数的说明和标签）的翻译。English lives in mtl_core's registries only.

Each entry is `"key": ("中文", "hash")`, the hash being the first 8 hex digits of the SHA-1 of the English it was
translated from; keys: name.<kind>.<id>, desc.<kind>.<id>, help.<kind>.<id>.<param>, help.train.<param>,
p.<param> / p.<section>.<param> (labels), kind in {data, arch, weighting, train}. To add a translation, append a
plain `"key": "中文",` line before the closing brace and run `python -m app.i18n.stamp --write`; when a test says
an entry is stale, update the Chinese and run `python -m app.i18n.stamp --accept KEY`.
"""

STRINGS: dict[str, str | tuple[str, str]] = {
    # ---- 参数的简短标签（控件）
    "p.rho": ("ρ — 任务相关性", "616c0d09"),
    "p.n_train": ("训练样本数", "fe26fcc2"),
    "p.n_val": ("验证样本数", "32d06050"),
    "p.n_test": ("测试样本数", "e953c8fe"),
    "p.noise": ("标签噪声（标准差）", "251f16b7"),
    "p.m": ("非线性程度 m（正弦项数）", "64e3604d"),
    "p.d": ("输入维度 d", "aaf027eb"),
    "p.c": ("权重尺度 c", "c76a06f4"),
    "p.n_tasks": ("任务数", "11417499"),
    "p.ab_mode": ("α、β 的抽取方式", "f1619120"),
    "p.ab_seed": ("α、β 的随机种子", "827004f3"),
    "p.n_experts": ("专家数", "551cfb69"),
    "p.expert_units": ("专家各层宽度", "b2da8b0a"),
    "p.tower_units": ("塔各层宽度", "d986741b"),
    "p.bottom_units": ("底层各层宽度", "6ab4d3b3"),
    "p.embed_dim": ("嵌入维度", "9cb4c496"),
    "p.shared_experts": ("共享专家数", "2f01e1a9"),
    "p.task_experts": ("每个任务的专家数", "6765ed52"),
    "p.n_levels": ("层数", "ed47f098"),
    "p.epochs": ("Epoch 数", "8f4dcf15"),
    "p.batch_size": ("批大小", "672f7849"),
    "p.lr": ("学习率", "052f487f"),
    "p.optimizer": ("优化器", "5b15e9cc"),
    "p.weight_decay": ("权重衰减", "144d7d96"),
    "p.seed": ("随机种子（数据、初始化、批次顺序）", "d773172d"),
    "p.device": ("设备", "a5a74a6d"),
    "p.baseline": ("单任务基线（虚线）", "104860a5"),
    "p.snapshots_per_epoch": ("每个 epoch 的实时更新次数", "c778f0ce"),
    "p.n_impressions": ("曝光数", "b5fb66f6"),
    "p.n_users": ("用户数（ID 基数）", "bd0e4684"),
    "p.n_items": ("物品数（ID 基数）", "ac102ad0"),
    "p.relatedness": ("CTR 与 CVR 的相关性", "8dc93c16"),
    "p.base_ctr": ("基础点击率", "2f840427"),
    "p.base_cvr": ("基础转化率", "b5a079b7"),
    "p.latent_dim": ("隐因子维度", "8d56b08e"),
    "p.bias_std": ("偏置离散度（标准差）", "339a78c6"),
    "p.latent_std": ("因子离散度（标准差）", "86cd13f7"),
    "p.n_dense": ("稠密特征数", "11354427"),
    "p.val_frac": ("验证集比例", "b8eed199"),
    "p.test_frac": ("测试集比例", "495b5bb6"),
    "p.backbone": ("主干网络", "bf3249c3"),
    "p.column_units": ("每列各层宽度", "a1b9a4f6"),
    "p.calibrator_alpha": ("校准项权重 α", "363ef282"),
    "p.weights": ("任务权重", "996cec3d"),
    "p.omega": ("初始权重 ω", "2842fa18"),
    "p.gamma": ("每个 epoch 的衰减 γ", "331b8b4d"),
    "p.alpha": ("不对称系数 α", "83a9452a"),
    "p.temperature": ("温度 T", "8ad65fd7"),
    "p.normalize": ("梯度归一化", "469c55ad"),
    "p.mode": ("模式", "a7b93d21"),
    "p.weighting.c": ("冲突规避系数 c", "2d0b44c1"),
    "p.update_weights_every": ("权重更新间隔（步）", "8daae5ac"),
    "p.max_norm": ("梯度裁剪范数", "024c2618"),
    "p.source_task": ("源任务", "abb83e3c"),
    "p.stop_gradient": ("阻断流向源任务的梯度", "c67bbd58"),
    "p.l0_lambda": ("L0 惩罚系数 λ", "29295550"),
    "p.k": ("每个任务的专家数（k）", "5141ccc2"),
    "p.gating": ("门控方式", "c483703f"),
    "p.entropy_reg": ("熵正则系数", "4349aaa3"),
    "p.model.gamma": ("平滑阶跃宽度 γ", "acc2025c"),
    "p.task_group": ("任务组", "40dbe169"),
    "p.n_eval": ("验证集 / 测试集大小", "a980abf2"),
    "p.selection_strength": ("点击选择强度", "82a26147"),
    "p.propensity_floor": ("倾向值下限", "1207780d"),
    "p.counterfactual_weight": ("反事实项权重 λ", "22f69b14"),
    "p.label_scale_b": ("task2 标签尺度（×）", "ed445ebd"),
    "p.m_b": ("task2 非线性 m_b（−1：与 m 相同）", "d2829430"),
    "p.noise_b": ("task2 标签噪声（−1：与 noise 相同）", "1e3c543a"),
    "p.beta": ("β", "f03b60f7"),
    "p.beta_sigma": ("β 的衰减指数 σ", "bf4890ae"),
    "p.variant": ("变体", "cc91b1ea"),
    "p.scale": ("缩放方式", "a29f0256"),
    "p.target": ("目标任务", "61ad50a9"),
    "p.relax": ("松弛因子", "9704b992"),
    "p.adapt": ("调整方向", "3ec15206"),
    # ---- 注册表名称
    "name.data.synthetic": ("合成数据（MMoE 论文，可控任务相关性）", "4078fe34"),
    # ---- 注册表描述
    "desc.data.synthetic": ("相关性 ρ 由你设定的回归任务；标签相关性为实测值。", "da74aa29"),
    # ---- 参数说明：数据集
    "help.data.synthetic.n_train": ("训练样本数", "d48c98f9"),
    "help.data.synthetic.n_val": ("验证样本数", "a8b7b0fd"),
    "help.data.synthetic.n_test": ("测试样本数", "2b984a19"),
    "help.data.synthetic.d": ("输入维度", "b2d511d8"),
    "help.data.synthetic.rho": ("任务相关性：两个任务权重向量的余弦", "b2592f98"),
    "help.data.synthetic.c": ("权重向量的尺度", "3b59f170"),
    "help.data.synthetic.m": ("正弦项的个数（非线性程度）", "d2f51c2b"),
    "help.data.synthetic.ab_mode": ("alpha/beta：'fixed' = 由 ab_seed 抽取一次（论文中的给定参数）；'random' = 按每次训练的种子重新抽取", "b2bdd14f"),
    "help.data.synthetic.ab_seed": ("固定 alpha/beta 抽取所用的随机种子", "48568042"),
    "help.data.synthetic.noise": ("标签噪声的标准差", "32c9086b"),
    "help.data.synthetic.n_tasks": ("任务数", "abbc9c75"),
    "help.data.synthetic.label_scale_b": ("task2 标签的乘数（其损失按平方增大）：损失尺度失衡", "ab156251"),
    "help.data.synthetic.m_b": ("task2 的正弦项个数（-1：与 m 相同）：一个容易、一个困难的任务", "b6cf27f9"),
    "help.data.synthetic.noise_b": ("task2 的标签噪声标准差（-1：与 noise 相同）", "a9f507f9"),
    # ---- 注册表名称
    "name.data.funnel": ("漏斗：曝光 → 点击 → 转化（ESMM 场景）", "2c040192"),
    # ---- 注册表描述
    "desc.data.funnel": ("用户 × 物品，真实的 pCTR 和 pCVR 已知；只有点击之后才能观察到转化。ID 基数（稀疏程度）和 CTR 与 CVR 的相关性决定 ESMM 能否胜过只用点击样本训练的 "
                         "CVR 模型。", "b85de1ee"),
    # ---- 参数说明：数据集
    "help.data.funnel.n_impressions": ("曝光数（所有数据划分合计）", "0bfcc120"),
    "help.data.funnel.n_users": ("用户数（ID 基数；越多越稀疏）", "38677acb"),
    "help.data.funnel.n_items": ("物品数（ID 基数；越多越稀疏）", "20e81d3b"),
    "help.data.funnel.latent_dim": ("用户/物品隐向量的维度 k", "6bc82e04"),
    "help.data.funnel.base_ctr": ("曝光的平均点击率", "4c670cb4"),
    "help.data.funnel.base_cvr": ("点击后的转化率", "3fb2217d"),
    "help.data.funnel.relatedness": ("ρ：CVR 侧的偏置和因子与 CTR 侧的相关性", "eae776a6"),
    "help.data.funnel.selection_strength": ("点击对曝光的选择强度：放大 CTR logit 的离散程度（0 = 随机点击，没有样本选择偏差；2 = 点击集中在最可能被点击的曝光上）", "b8faefbf"),
    "help.data.funnel.bias_std": ("用户和物品偏置的标准差", "11f4f821"),
    "help.data.funnel.latent_std": ("每个隐因子坐标的标准差（交互项的标准差为 latent_std²）", "b67345d9"),
    "help.data.funnel.n_dense": ("稠密上下文特征数（对两个 logit 都有较小的线性影响）", "b33d864a"),
    "help.data.funnel.val_frac": ("验证集占曝光的比例", "5246d774"),
    "help.data.funnel.test_frac": ("测试集占曝光的比例", "17e8aa0b"),
    # ---- 注册表名称
    "name.data.census": ("Census-Income（KDD），真实数据（MMoE 论文基准）", "f10c013b"),
    # ---- 注册表描述
    "desc.data.census": ("来自 1994–95 年美国当前人口调查的 299,285 人：预测收入 > 5 "
                         "万美元（或是否有大学学位）以及是否从未结婚。特征大多是类别型，经由共享嵌入层输入。需要下载一次：`python -m mtl_core data fetch census`。", "3329426f"),
    # ---- 参数说明：数据集
    "help.data.census.task_group": ("1：收入 > 5 万美元 与 从未结婚；2：大学学位 与 从未结婚（MMoE 论文中的两组任务）", "ee65fe24"),
    "help.data.census.n_train": ("训练行数：从官方训练文件的 199,523 行中固定抽取的子样本（论文设置下使用全部）", "d40e51d9"),
    "help.data.census.n_eval": ("验证集和测试集各自的行数（官方测试文件的两半，各 49,881 行）", "395e6df9"),
    # ---- 注册表名称
    "name.arch.single_task": ("单任务基线", "483537c5"),
    # ---- 注册表描述
    "desc.arch.single_task": ("每个任务一个独立网络：不共享，没有干扰，也没有迁移。", "b57f3691"),
    # ---- 参数说明：模型结构
    "help.arch.single_task.bottom_units": ("每个任务网络的各隐藏层宽度", "2ca4b3f0"),
    "help.arch.single_task.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.single_task.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.shared_bottom": ("Shared-Bottom（共享底层）", "83a15e0f"),
    # ---- 注册表描述
    "desc.arch.shared_bottom": ("所有任务读取同一个共享表示；成本低，但相关性弱的任务会把它往不同方向拉扯。", "6584709d"),
    # ---- 参数说明：模型结构
    "help.arch.shared_bottom.bottom_units": ("共享底层的各隐藏层宽度（113 与 MMoE 论文的参数预算一致）", "6fb29cfe"),
    "help.arch.shared_bottom.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.shared_bottom.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.cross_stitch": ("Cross-Stitch（十字绣网络）", "45018ac3"),
    # ---- 注册表描述
    "desc.arch.cross_stitch": ("每个任务一列网络，每层之后用可学习的矩阵让各列互相借用信息。", "bb2b3e8b"),
    # ---- 参数说明：模型结构
    "help.arch.cross_stitch.column_units": ("每个任务列的各隐藏层宽度（每层之后都有一个十字绣单元）", "d3d4dde2"),
    "help.arch.cross_stitch.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.cross_stitch.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.omoe": ("OMoE（单门控混合专家）", "e60d4576"),
    # ---- 注册表描述
    "desc.arch.omoe": ("共享专家 + 一个所有任务共用的门控：会混合专家，但对每个任务都一样。", "1aaebba8"),
    # ---- 参数说明：模型结构
    "help.arch.omoe.n_experts": ("共享专家数", "04ab1488"),
    "help.arch.omoe.expert_units": ("每个专家的各隐藏层宽度", "b298f703"),
    "help.arch.omoe.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.omoe.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.mmoe": ("MMoE（多门控混合专家）", "24f8e5d3"),
    # ---- 注册表描述
    "desc.arch.mmoe": ("共享专家 + 每个任务一个 softmax 门控：每个任务选择自己的专家组合。", "17bedd81"),
    # ---- 参数说明：模型结构
    "help.arch.mmoe.n_experts": ("共享专家数", "04ab1488"),
    "help.arch.mmoe.expert_units": ("每个专家的各隐藏层宽度", "b298f703"),
    "help.arch.mmoe.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.mmoe.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.cgc": ("CGC（定制门控）", "b4149dc8"),
    # ---- 注册表描述
    "desc.arch.cgc": ("每个任务有专属专家和共享专家；任务的门控只混合这些专家（单层 PLE）。", "7be6b174"),
    # ---- 参数说明：模型结构
    "help.arch.cgc.shared_experts": ("每层的共享专家数", "44c97e3c"),
    "help.arch.cgc.task_experts": ("每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值", "781fbd49"),
    "help.arch.cgc.expert_units": ("每个专家的各隐藏层宽度", "b298f703"),
    "help.arch.cgc.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.cgc.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.ple": ("PLE（渐进式分层提取）", "3af7ee39"),
    # ---- 注册表描述
    "desc.arch.ple": ("多层堆叠的任务专属专家与共享专家：每个任务保留自己的专家，相互冲突的任务不再争抢同一批专家。", "d8f7e532"),
    # ---- 参数说明：模型结构
    "help.arch.ple.n_levels": ("堆叠的提取层数（1 = CGC）", "9dd21b36"),
    "help.arch.ple.shared_experts": ("每层的共享专家数", "44c97e3c"),
    "help.arch.ple.task_experts": ("每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值", "781fbd49"),
    "help.arch.ple.expert_units": ("每个专家的各隐藏层宽度", "b298f703"),
    "help.arch.ple.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.ple.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.esmm": ("ESMM（全空间多任务模型）", "4028bea9"),
    # ---- 注册表描述
    "desc.arch.esmm": ("只通过全部曝光上的 pCTCVR = pCTR × pCVR 学习 pCVR，避免只用点击样本带来的样本选择偏差。", "6b8fc5f2"),
    # ---- 参数说明：模型结构
    "help.arch.esmm.backbone": ("两个塔共享的部分（注册表中的一种结构）", "01e91097"),
    "help.arch.esmm.bottom_units": ("共享底层的各隐藏层宽度（113 与 MMoE 论文的参数预算一致）", "6fb29cfe"),
    "help.arch.esmm.n_experts": ("共享专家数", "04ab1488"),
    "help.arch.esmm.expert_units": ("每个专家的各隐藏层宽度", "b298f703"),
    "help.arch.esmm.shared_experts": ("每层的共享专家数", "44c97e3c"),
    "help.arch.esmm.task_experts": ("每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值", "781fbd49"),
    "help.arch.esmm.n_levels": ("堆叠的提取层数（1 = CGC）", "9dd21b36"),
    "help.arch.esmm.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.esmm.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.aitm": ("AITM（自适应信息迁移）", "547446da"),
    # ---- 注册表描述
    "desc.arch.aitm": ("按顺序排列的漏斗任务：每一步用注意力读取上一步传来的信息，校准项保证后面的步骤概率不高于前面的步骤。", "f89c903e"),
    # ---- 参数说明：模型结构
    "help.arch.aitm.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.aitm.calibrator_alpha": ("惩罚项权重：后面步骤的概率高于前面步骤时施加惩罚", "954a7bab"),
    "help.arch.aitm.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.asymmetric": ("非对称共享", "d4cf8d0f"),
    # ---- 注册表描述
    "desc.arch.asymmetric": ("每个任务有自己的底层；一个任务的表示也输入其他任务的塔，反之则不然：帮助单向流动，源任务不受干扰。", "4633d7cd"),
    # ---- 参数说明：模型结构
    "help.arch.asymmetric.source_task": ("其表示也被其他任务读取的任务（1 = 第一个）；它自己只读取自己的表示", "3c394f98"),
    "help.arch.asymmetric.stop_gradient": ("其他任务读取源任务的表示但不训练它（源任务只从自己的损失中学习）", "e001ed57"),
    "help.arch.asymmetric.bottom_units": ("每个任务自身底层的各隐藏层宽度（64 时两个任务的参数量约等于 MMoE 论文的参数预算）", "bbe94ec5"),
    "help.arch.asymmetric.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.asymmetric.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.snr": ("SNR（子网络路由）", "55d4673f"),
    # ---- 注册表描述
    "desc.arch.snr": ("多层小型子网络，由可学习的开/关连接（L0 正则化）连接起来：每个任务穿过它们的路径由训练决定，相当于一次小型结构搜索。", "6bc4ffc9"),
    # ---- 参数说明：模型结构
    "help.arch.snr.mode": ("trans：每条连接有自己的可学习矩阵（SNR-Trans）；aver：对下层专家加权求和（SNR-Aver）", "3e026dd9"),
    "help.arch.snr.n_levels": ("专家的层数（路由步骤：层与层之间以及进入塔）", "8ea5eb07"),
    "help.arch.snr.n_experts": ("每层的专家（子网络）数", "bab1b4c8"),
    "help.arch.snr.expert_units": ("每个专家的各隐藏层宽度", "b298f703"),
    "help.arch.snr.l0_lambda": ("L0 惩罚的权重：打开的路由连接的期望比例，加到损失中一次", "ff103e77"),
    "help.arch.snr.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.snr.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.dselect_k": ("DSelect-k（可微 top-k 门控）", "69e2a32b"),
    # ---- 注册表描述
    "desc.arch.dselect_k": ("共享专家 + 可微的 top-k 门控：每个任务最终最多使用 k 个专家，其余权重恰好为零——一个任务真的需要所有专家吗？", "b683755b"),
    # ---- 参数说明：模型结构
    "help.arch.dselect_k.n_experts": ("共享专家数", "04ab1488"),
    "help.arch.dselect_k.k": ("每个任务最多可使用的专家数（不超过专家总数）", "c1e451f2"),
    "help.arch.dselect_k.gamma": ("平滑阶跃函数过渡区的宽度 γ：越小越早做出选择", "bfa2e509"),
    "help.arch.dselect_k.gating": ("static：每个任务一个选择（论文中的静态门控）；per_example：每个样本一个选择", "7d2c41f5"),
    "help.arch.dselect_k.entropy_reg": ("熵正则项的权重，促使每个选择器集中到一个专家上，加到损失中一次", "a6c204fc"),
    "help.arch.dselect_k.expert_units": ("每个专家的各隐藏层宽度", "b298f703"),
    "help.arch.dselect_k.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.dselect_k.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.esmm_ns": ("ESMM-NS（不共享的 ESMM）", "01e23cda"),
    # ---- 注册表描述
    "desc.arch.esmm_ns": ("在两个独立网络（各自有自己的嵌入）上使用 ESMM 的全空间损失：不共享特征时，仅靠损失函数能带来多少收益。", "5c903614"),
    # ---- 参数说明：模型结构
    "help.arch.esmm_ns.bottom_units": ("每个任务自身底层的各隐藏层宽度", "3fe83361"),
    "help.arch.esmm_ns.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.esmm_ns.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    # ---- 注册表名称
    "name.arch.ipw": ("IPW（逆倾向加权 CVR）", "b08d528a"),
    # ---- 注册表描述
    "desc.arch.ipw": ("只在点击过的曝光上训练 CVR，每个样本按自身 CTR 塔给出的 1/pCTR 加权，使点击样本能代表整个空间。", "a39a6675"),
    # ---- 参数说明：模型结构
    "help.arch.ipw.backbone": ("两个塔共享的部分（注册表中的一种结构）", "01e91097"),
    "help.arch.ipw.bottom_units": ("共享底层的各隐藏层宽度（113 与 MMoE 论文的参数预算一致）", "6fb29cfe"),
    "help.arch.ipw.n_experts": ("共享专家数", "04ab1488"),
    "help.arch.ipw.expert_units": ("每个专家的各隐藏层宽度", "b298f703"),
    "help.arch.ipw.shared_experts": ("每层的共享专家数", "44c97e3c"),
    "help.arch.ipw.task_experts": ("每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值", "781fbd49"),
    "help.arch.ipw.n_levels": ("堆叠的提取层数（1 = CGC）", "9dd21b36"),
    "help.arch.ipw.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.ipw.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    "help.arch.ipw.propensity_floor": ("逆权重所除的最小倾向值（pCTR）：权重最大为 1/floor", "070c582a"),
    # ---- 注册表名称
    "name.arch.escm2_ipw": ("ESCM²-IPS（ESMM + 反事实 IPS 风险）", "794ab3ec"),
    # ---- 注册表描述
    "desc.arch.escm2_ipw": ("ESMM 的全空间损失，再加上点击曝光上的逆倾向加权 CVR 风险，作为反事实正则项，纠正 ESMM 的 CVR 偏差。", "1495d063"),
    # ---- 参数说明：模型结构
    "help.arch.escm2_ipw.backbone": ("两个塔共享的部分（注册表中的一种结构）", "01e91097"),
    "help.arch.escm2_ipw.bottom_units": ("共享底层的各隐藏层宽度（113 与 MMoE 论文的参数预算一致）", "6fb29cfe"),
    "help.arch.escm2_ipw.n_experts": ("共享专家数", "04ab1488"),
    "help.arch.escm2_ipw.expert_units": ("每个专家的各隐藏层宽度", "b298f703"),
    "help.arch.escm2_ipw.shared_experts": ("每层的共享专家数", "44c97e3c"),
    "help.arch.escm2_ipw.task_experts": ("每层的任务专属专家数：一个值对所有任务通用，或每个任务一个值", "781fbd49"),
    "help.arch.escm2_ipw.n_levels": ("堆叠的提取层数（1 = CGC）", "9dd21b36"),
    "help.arch.escm2_ipw.tower_units": ("每个任务塔的各隐藏层宽度", "ab40492d"),
    "help.arch.escm2_ipw.embed_dim": ("每个类别字段的嵌入维度", "7dce8d7b"),
    "help.arch.escm2_ipw.counterfactual_weight": ("λ：点击曝光上 IPS 加权 CVR 风险的权重", "47d3ce8b"),
    "help.arch.escm2_ipw.propensity_floor": ("逆权重所除的最小倾向值（pCTR）：权重最大为 1/floor", "070c582a"),
    # ---- 注册表名称
    "name.weighting.ew": ("等权重（EW）", "8e4d3ae1"),
    # ---- 注册表描述
    "desc.weighting.ew": ("任务损失直接相加。", "625ecce4"),
    # ---- 注册表名称
    "name.weighting.static": ("静态权重", "be6b1454"),
    # ---- 注册表描述
    "desc.weighting.static": ("每个任务的损失乘以你选定的固定权重。", "37c0e520"),
    # ---- 参数说明：损失加权
    "help.weighting.static.weights": ("任务权重：一个值对所有任务通用，或每个任务一个值", "266547a3"),
    # ---- 注册表名称
    "name.weighting.ple_decay": ("PLE 衰减权重", "cca73c13"),
    # ---- 注册表描述
    "desc.weighting.ple_decay": ("w_k = ω_k·γ_k^epoch：任务权重随 epoch 按几何级数衰减。", "2612fa0d"),
    # ---- 参数说明：损失加权
    "help.weighting.ple_decay.omega": ("初始权重 ω_k（一个值，或每个任务一个值）", "54b4bf69"),
    "help.weighting.ple_decay.gamma": ("每个 epoch 的衰减 γ_k（一个值，或每个任务一个值）", "0dd96766"),
    # ---- 注册表名称
    "name.weighting.uw": ("不确定性加权（UW）", "7b069300"),
    # ---- 注册表描述
    "desc.weighting.uw": ("学习每个任务的噪声方差 σ²；噪声大的任务权重 ∝ 1/σ²，另加 log σ 惩罚项。", "bd0fa18c"),
    # ---- 注册表名称
    "name.weighting.gradnorm": ("GradNorm（梯度归一化）", "028f5800"),
    # ---- 注册表描述
    "desc.weighting.gradnorm": ("学习权重，使每个任务在最后一个共享层上的梯度范数与平均值一致，并按该任务落后的程度放大。", "2f43aad0"),
    # ---- 参数说明：损失加权
    "help.weighting.gradnorm.alpha": ("恢复力：把进展慢的任务往上推的力度", "9f153b53"),
    # ---- 注册表名称
    "name.weighting.dwa": ("动态权重平均（DWA）", "e666b7c7"),
    # ---- 注册表描述
    "desc.weighting.dwa": ("根据上一个 epoch 各任务损失下降的速度分配权重：下降慢的任务权重更大。", "4effd998"),
    # ---- 参数说明：损失加权
    "help.weighting.dwa.temperature": ("softmax 温度：越高，权重越接近 1", "29a22efe"),
    # ---- 注册表名称
    "name.weighting.rlw": ("随机损失加权（RLW）", "5bb4645c"),
    # ---- 注册表描述
    "desc.weighting.rlw": ("每步随机权重 T·softmax(N(0, I))：其他方法应当超越的试金石。", "e1870c3e"),
    # ---- 注册表名称
    "name.weighting.pcgrad": ("PCGrad（梯度手术）", "5018269c"),
    # ---- 注册表描述
    "desc.weighting.pcgrad": ("当两个任务的梯度冲突时，把每个梯度投影到另一个梯度的法平面上，再相加。", "2fb7d370"),
    # ---- 注册表名称
    "name.weighting.mgda": ("MGDA（最小范数）", "8e88b93e"),
    # ---- 注册表描述
    "desc.weighting.mgda": ("沿各任务梯度凸包中范数最小的向量前进：这个方向让每个任务的损失都下降（或停在帕累托驻点）。", "4db8d4fd"),
    # ---- 参数说明：损失加权
    "help.weighting.mgda.normalize": ("求解最小范数前对梯度的归一化方式", "863437ef"),
    "help.weighting.mgda.mode": ("rep = MGDA-UB（对共享表示求梯度，开销小）；params = 在共享参数上的精确 MGDA", "0535be98"),
    # ---- 注册表名称
    "name.weighting.cagrad": ("CAGrad（冲突规避）", "1bb4aa33"),
    # ---- 注册表描述
    "desc.weighting.cagrad": ("在平均梯度附近寻找更新方向，同时让改进最少的任务获得最大改进。", "ef821439"),
    # ---- 参数说明：损失加权
    "help.weighting.cagrad.c": ("平均梯度周围球的半径（0 = 直接取平均）", "fcfa5efe"),
    # ---- 注册表名称
    "name.weighting.nash_mtl": ("Nash-MTL（讨价还价）", "9eedfcb7"),
    # ---- 注册表描述
    "desc.weighting.nash_mtl": ("每个任务为自己的份额讨价还价：求解 (GGᵀ)α = 1/α，使每个任务都获得成比例的改进，没有任务占主导。", "98c27f7a"),
    # ---- 参数说明：损失加权
    "help.weighting.nash_mtl.update_weights_every": ("每隔这么多步重新计算 α（中间复用）", "bbd55553"),
    "help.weighting.nash_mtl.max_norm": ("把合并后的共享梯度裁剪到此范数（0 表示不裁剪）", "68689ceb"),
    # ---- 注册表名称
    "name.weighting.famo": ("FAMO（快速自适应）", "4e886b9e"),
    # ---- 注册表描述
    "desc.weighting.famo": ("对加权的对数损失做梯度下降，并在每步之后把权重移向损失下降最少的任务：不需要逐任务梯度就能让各任务均衡地改进。", "33565904"),
    # ---- 参数说明：损失加权
    "help.weighting.famo.lr": ("任务权重 logits 的步长（它们有自己的 Adam 优化器）", "b07a6c7c"),
    "help.weighting.famo.gamma": ("任务权重 logits 向等权重回归的衰减", "b879b7bb"),
    # ---- 注册表名称
    "name.weighting.gradvac": ("GradVac（梯度疫苗）", "09613677"),
    # ---- 注册表描述
    "desc.weighting.gradvac": ("为每对任务设定一个目标梯度余弦（历史余弦的滑动平均）；当某对任务的余弦低于目标时，把恰好足够的另一任务梯度加到该梯度上，使余弦达到目标。", "dfb81573"),
    # ---- 参数说明：损失加权
    "help.weighting.gradvac.beta": ("设定每对任务目标余弦的滑动平均速率（0 = 目标保持为 0，即 PCGrad）", "0ca2c3fb"),
    # ---- 注册表名称
    "name.weighting.imtl": ("IMTL（公平多任务学习）", "6f1d153d"),
    # ---- 注册表描述
    "desc.weighting.imtl": ("缩放各任务梯度，使更新在每个任务梯度方向上的投影相同；同时学习损失缩放，把各任务的损失拉到同一水平。", "14a518ea"),
    # ---- 参数说明：损失加权
    "help.weighting.imtl.variant": ("hybrid = 论文中的 IMTL（损失均衡加梯度均衡）；g = 仅 IMTL-G；l = 仅 IMTL-L", "733d44fc"),
    "help.weighting.imtl.mode": ("rep = 对共享表示求梯度（与论文相同，开销小）；params = 在共享参数上求梯度", "d1ca2a2c"),
    # ---- 注册表名称
    "name.weighting.aligned_mtl": ("Aligned-MTL（对齐主成分）", "12976c01"),
    # ---- 注册表描述
    "desc.weighting.aligned_mtl": ("先把各任务梯度变成相互正交且长度相同，再相加：没有任务主导更新，也没有任务彼此冲突。", "fe08e0e0"),
    # ---- 参数说明：损失加权
    "help.weighting.aligned_mtl.scale": ("对齐后梯度的长度：最小奇异值（论文默认）、中位数或均方根", "9260e9eb"),
    "help.weighting.aligned_mtl.mode": ("params = 在共享参数上求梯度；rep = 对共享表示求梯度（Aligned-MTL-UB，开销小）", "cbec9414"),
    # ---- 注册表名称
    "name.weighting.db_mtl": ("DB-MTL（双重均衡）", "c9c3ff58"),
    # ---- 注册表描述
    "desc.weighting.db_mtl": ("对每个损失取对数后训练（损失尺度均衡），并把每个任务的梯度缩放到各任务梯度范数中的最大值（梯度幅度均衡）。", "fd0bb36b"),
    # ---- 参数说明：损失加权
    "help.weighting.db_mtl.beta": ("各任务梯度滑动平均的速率（0 = 只用本步的梯度）", "5cf22f50"),
    "help.weighting.db_mtl.beta_sigma": ("σ：滑动平均速率按 β / step^σ 衰减（0 = 不衰减）", "fe236b15"),
    # ---- 注册表名称
    "name.weighting.metabalance": ("MetaBalance（目标任务 + 辅助任务）", "c1a654d1"),
    # ---- 注册表描述
    "desc.weighting.metabalance": ("保持目标任务的梯度不变，把每个辅助任务的梯度幅度拉向目标任务的梯度幅度，每个共享层分别处理。", "992ca6c9"),
    # ---- 参数说明：损失加权
    "help.weighting.metabalance.target": ("目标任务的序号（0 = 第一个任务）；其余任务都是辅助任务", "5476be76"),
    "help.weighting.metabalance.relax": ("松弛因子 r：辅助任务梯度幅度被拉向目标任务梯度幅度的程度（1 = 相等，0 = 不变）", "7124f0c6"),
    "help.weighting.metabalance.beta": ("梯度范数滑动平均的速率", "69ba10c3"),
    "help.weighting.metabalance.adapt": ("缩放哪些辅助梯度：both = 全部；reduce = 只缩小比目标大的；enlarge = 只放大比目标小的", "933e1c1c"),
    # ---- 参数说明：训练
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
