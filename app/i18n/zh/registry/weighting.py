"""中文：损失加权策略的注册表文字 (weighting). See `__init__.py` for the format."""

STRINGS: dict[str, str | tuple[str, str]] = {
    # ---- 参数标签: p.<param>, p.<section>.<param>
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
    "p.beta": ("β", "f03b60f7"),
    "p.beta_sigma": ("β 的衰减指数 σ", "bf4890ae"),
    "p.variant": ("变体", "cc91b1ea"),
    "p.scale": ("缩放方式", "a29f0256"),
    "p.target": ("目标任务", "61ad50a9"),
    "p.relax": ("松弛因子", "9704b992"),
    "p.adapt": ("调整方向", "3ec15206"),
    "p.leak": ("泄漏比例 ℓ", "97cc91da"),
    "p.lambda_lr": ("权重步长 γ", "dacbb5ec"),
    "p.lambda_sigma": ("步长衰减指数 σ_γ", "2ed9885a"),
    "p.lambda_reg": ("权重正则 ρ", "90278d0c"),
    "p.mu": ("平滑系数 μ", "6255b182"),
    "p.warmup_epochs": ("预热轮数", "d1bb7db4"),
    "p.robust_step": ("权重步长 η", "864ae6f8"),
    "p.warmup_steps": ("预热步数", "b28e7f57"),
    "p.fairness": ("公平性 α", "9a507f0e"),
    "p.lam": ("λ — 向平均方向拉近", "fb078ee1"),
    "p.n_iter": ("内层迭代次数", "ef8973e9"),
    "p.l2": ("L2 正则 ρ", "a58b12bf"),
    "p.lookahead_lr": ("前瞻步长 η", "991490e4"),
    "p.primary": ("主任务", "a9a96ec0"),
    "p.reference": ("参照幅度", "db1c7845"),
    # ---- weighting.ew
    "name.weighting.ew": ("等权重（EW）", "8e4d3ae1"),
    "desc.weighting.ew": ("任务损失直接相加。", "625ecce4"),
    # ---- weighting.static
    "name.weighting.static": ("静态权重", "be6b1454"),
    "desc.weighting.static": ("每个任务的损失乘以你选定的固定权重。", "37c0e520"),
    "help.weighting.static.weights": ("任务权重：一个值对所有任务通用，或每个任务一个值", "266547a3"),
    # ---- weighting.ple_decay
    "name.weighting.ple_decay": ("PLE 衰减权重", "cca73c13"),
    "desc.weighting.ple_decay": ("w_k = ω_k·γ_k^epoch：任务权重随 epoch 按几何级数衰减。", "2612fa0d"),
    "help.weighting.ple_decay.omega": ("初始权重 ω_k（一个值，或每个任务一个值）", "54b4bf69"),
    "help.weighting.ple_decay.gamma": ("每个 epoch 的衰减 γ_k（一个值，或每个任务一个值）", "0dd96766"),
    # ---- weighting.uw
    "name.weighting.uw": ("不确定性加权（UW）", "7b069300"),
    "desc.weighting.uw": ("学习每个任务的噪声方差 σ²；噪声大的任务权重 ∝ 1/σ²，另加 log σ 惩罚项。", "bd0fa18c"),
    # ---- weighting.gradnorm
    "name.weighting.gradnorm": ("GradNorm（梯度归一化）", "028f5800"),
    "desc.weighting.gradnorm": ("学习权重，使每个任务在最后一个共享层上的梯度范数与平均值一致，并按该任务落后的程度放大。", "2f43aad0"),
    "help.weighting.gradnorm.alpha": ("恢复力：把进展慢的任务往上推的力度", "9f153b53"),
    # ---- weighting.dwa
    "name.weighting.dwa": ("动态权重平均（DWA）", "e666b7c7"),
    "desc.weighting.dwa": ("根据上一个 epoch 各任务损失下降的速度分配权重：下降慢的任务权重更大。", "4effd998"),
    "help.weighting.dwa.temperature": ("softmax 温度：越高，权重越接近 1", "29a22efe"),
    # ---- weighting.rlw
    "name.weighting.rlw": ("随机损失加权（RLW）", "5bb4645c"),
    "desc.weighting.rlw": ("每步随机权重 T·softmax(N(0, I))：其他方法应当超越的试金石。", "e1870c3e"),
    # ---- weighting.pcgrad
    "name.weighting.pcgrad": ("PCGrad（梯度手术）", "5018269c"),
    "desc.weighting.pcgrad": ("当两个任务的梯度冲突时，把每个梯度投影到另一个梯度的法平面上，再相加。", "2fb7d370"),
    # ---- weighting.mgda
    "name.weighting.mgda": ("MGDA（最小范数）", "8e88b93e"),
    "desc.weighting.mgda": ("沿各任务梯度凸包中范数最小的向量前进：这个方向让每个任务的损失都下降（或停在帕累托驻点）。", "4db8d4fd"),
    "help.weighting.mgda.normalize": ("求解最小范数前对梯度的归一化方式", "863437ef"),
    "help.weighting.mgda.mode": ("rep = MGDA-UB（对共享表示求梯度，开销小）；params = 在共享参数上的精确 MGDA", "0535be98"),
    # ---- weighting.cagrad
    "name.weighting.cagrad": ("CAGrad（冲突规避）", "1bb4aa33"),
    "desc.weighting.cagrad": ("在平均梯度附近寻找更新方向，同时让改进最少的任务获得最大改进。", "ef821439"),
    "help.weighting.cagrad.c": ("平均梯度周围球的半径（0 = 直接取平均）", "fcfa5efe"),
    # ---- weighting.nash_mtl
    "name.weighting.nash_mtl": ("Nash-MTL（讨价还价）", "9eedfcb7"),
    "desc.weighting.nash_mtl": ("每个任务为自己的份额讨价还价：求解 (GGᵀ)α = 1/α，使每个任务都获得成比例的改进，没有任务占主导。", "98c27f7a"),
    "help.weighting.nash_mtl.update_weights_every": ("每隔这么多步重新计算 α（中间复用）", "bbd55553"),
    "help.weighting.nash_mtl.max_norm": ("把合并后的共享梯度裁剪到此范数（0 表示不裁剪）", "68689ceb"),
    # ---- weighting.famo
    "name.weighting.famo": ("FAMO（快速自适应）", "4e886b9e"),
    "desc.weighting.famo": ("对加权的对数损失做梯度下降，并在每步之后把权重移向损失下降最少的任务：不需要逐任务梯度就能让各任务均衡地改进。", "33565904"),
    "help.weighting.famo.lr": ("任务权重 logits 的步长（它们有自己的 Adam 优化器）", "b07a6c7c"),
    "help.weighting.famo.gamma": ("任务权重 logits 向等权重回归的衰减", "b879b7bb"),
    # ---- weighting.gradvac
    "name.weighting.gradvac": ("GradVac（梯度疫苗）", "09613677"),
    "desc.weighting.gradvac": ("为每对任务设定一个目标梯度余弦（历史余弦的滑动平均）；当某对任务的余弦低于目标时，把恰好足够的另一任务梯度加到该梯度上，使余弦达到目标。", "dfb81573"),
    "help.weighting.gradvac.beta": ("设定每对任务目标余弦的滑动平均速率（0 = 目标保持为 0，即 PCGrad）", "0ca2c3fb"),
    # ---- weighting.imtl
    "name.weighting.imtl": ("IMTL（公平多任务学习）", "6f1d153d"),
    "desc.weighting.imtl": ("缩放各任务梯度，使更新在每个任务梯度方向上的投影相同；同时学习损失缩放，把各任务的损失拉到同一水平。", "14a518ea"),
    "help.weighting.imtl.variant": ("hybrid = 论文中的 IMTL（损失均衡加梯度均衡）；g = 仅 IMTL-G；l = 仅 IMTL-L", "733d44fc"),
    "help.weighting.imtl.mode": ("rep = 对共享表示求梯度（与论文相同，开销小）；params = 在共享参数上求梯度", "d1ca2a2c"),
    # ---- weighting.aligned_mtl
    "name.weighting.aligned_mtl": ("Aligned-MTL（对齐主成分）", "12976c01"),
    "desc.weighting.aligned_mtl": ("先把各任务梯度变成相互正交且长度相同，再相加：没有任务主导更新，也没有任务彼此冲突。", "fe08e0e0"),
    "help.weighting.aligned_mtl.scale": ("对齐后梯度的长度：最小奇异值（论文默认）、中位数或均方根", "9260e9eb"),
    "help.weighting.aligned_mtl.mode": ("params = 在共享参数上求梯度；rep = 对共享表示求梯度（Aligned-MTL-UB，开销小）", "cbec9414"),
    # ---- weighting.db_mtl
    "name.weighting.db_mtl": ("DB-MTL（双重均衡）", "c9c3ff58"),
    "desc.weighting.db_mtl": ("对每个损失取对数后训练（损失尺度均衡），并把每个任务的梯度缩放到各任务梯度范数中的最大值（梯度幅度均衡）。", "fd0bb36b"),
    "help.weighting.db_mtl.beta": ("各任务梯度滑动平均的速率（0 = 只用本步的梯度）", "5cf22f50"),
    "help.weighting.db_mtl.beta_sigma": ("σ：滑动平均速率按 β / step^σ 衰减（0 = 不衰减）", "fe236b15"),
    # ---- weighting.metabalance
    "name.weighting.metabalance": ("MetaBalance（目标任务 + 辅助任务）", "c1a654d1"),
    "desc.weighting.metabalance": ("保持目标任务的梯度不变，把每个辅助任务的梯度幅度拉向目标任务的梯度幅度，每个共享层分别处理。", "992ca6c9"),
    "help.weighting.metabalance.target": ("目标任务的序号（0 = 第一个任务）；其余任务都是辅助任务", "5476be76"),
    "help.weighting.metabalance.relax": ("松弛因子 r：辅助任务梯度幅度被拉向目标任务梯度幅度的程度（1 = 相等，0 = 不变）", "7124f0c6"),
    "help.weighting.metabalance.beta": ("梯度范数滑动平均的速率", "69ba10c3"),
    "help.weighting.metabalance.adapt": ("缩放哪些辅助梯度：both = 全部；reduce = 只缩小比目标大的；enlarge = 只放大比目标小的", "933e1c1c"),
    # ---- weighting.gls
    "name.weighting.gls": ("GLS（损失的几何平均）", "200251af"),
    "desc.weighting.gls": ("最小化各任务损失的几何平均：每个任务按自身损失的倒数加权，损失的量级不再决定它的声音有多大。", "a9000f86"),
    # ---- weighting.graddrop
    "name.weighting.graddrop": ("GradDrop（梯度符号丢弃）", "57919189"),
    "desc.weighting.graddrop": ("在各任务对某个梯度分量的符号有分歧时，按各符号所占的推动力比例随机保留一种符号，丢弃另一种。", "cff60f05"),
    "help.weighting.graddrop.leak": ("无论符号如何，每个任务梯度都保留的比例（0 = GradDrop，1 = 直接求和）", "84a053c1"),
    # ---- weighting.upgrad
    "name.weighting.upgrad": ("UPGrad（无冲突投影）", "464a27d9"),
    "desc.weighting.upgrad": ("把每个任务梯度投影到不损害任何任务的方向锥上，再把投影相加：更新永远不与任何任务冲突。", "d87dfb74"),
    "help.weighting.upgrad.mode": ("params = 在共享参数上求梯度；rep = 对共享表示求梯度（开销小）", "3f45e12d"),
    # ---- weighting.dualproj
    "name.weighting.dualproj": ("DualProj（投影后的和）", "cc2d8f85"),
    "desc.weighting.dualproj": ("取各任务梯度之和，把它移到最近的、不损害任何任务的方向。", "229f2015"),
    "help.weighting.dualproj.mode": ("params = 在共享参数上求梯度；rep = 对共享表示求梯度（开销小）", "3f45e12d"),
    # ---- weighting.config
    "name.weighting.config": ("ConFIG（无冲突，等夹角）", "69299eea"),
    "desc.weighting.config": ("沿着与每个任务梯度夹角都相同的方向更新，步长为梯度之和在该方向上的投影。", "7a59573d"),
    "help.weighting.config.mode": ("params = 在共享参数上求梯度；rep = 对共享表示求梯度（开销小）", "3f45e12d"),
    # ---- weighting.moco
    "name.weighting.moco": ("MoCo（跟踪梯度的 MGDA）", "11f80d0c"),
    "desc.weighting.moco": ("用滑动平均跟踪每个任务的梯度，每次迭代只把任务权重朝 MGDA 最小范数点投影一步，消除在单个带噪批次上求解带来的偏差。", "16cda966"),
    "help.weighting.moco.beta": ("β：跟踪的梯度向新梯度靠拢的速率（1 = 不跟踪）", "abb70e88"),
    "help.weighting.moco.beta_sigma": ("σ_β：跟踪速率按 β / 步数^σ_β 衰减（0 = 不变）", "eb59b4cd"),
    "help.weighting.moco.lambda_lr": ("γ：任务权重 λ 的步长", "baa7484d"),
    "help.weighting.moco.lambda_sigma": ("σ_γ：权重步长按 γ / 步数^σ_γ 衰减（0 = 不变）", "7160d58f"),
    "help.weighting.moco.lambda_reg": ("ρ：把权重拉向相等权重的强度（0 = 不拉）", "55140a29"),
    "help.weighting.moco.normalize": ("loss = 把每个任务梯度缩放到其损失值的范数（作者代码）；none = 使用原始梯度", "0e42a6a0"),
    # ---- weighting.stch
    "name.weighting.stch": ("STCH（平滑切比雪夫）", "04d52e88"),
    "desc.weighting.stch": ("训练最差任务损失（按最差点归一化）的平滑版本：落后最多的任务平滑地获得大部分权重。", "f5278e61"),
    "help.weighting.stch.mu": ("平滑系数 μ：小 = 主要训练最差的任务（切比雪夫最大值），大 = 接近各对数损失之和", "530a8d6e"),
    "help.weighting.stch.warmup_epochs": ("STCH 开始前在对数损失上训练的轮数；最后一轮测量每个任务的平均损失，即损失要除以的最差点（0 = 用第一步的损失）", "c7abe879"),
    # ---- weighting.excess_mtl
    "name.weighting.excess_mtl": ("ExcessMTL（超额风险）", "e273b8c5"),
    "desc.weighting.excess_mtl": ("估计每个任务还能改进多少（它的超额风险，由梯度和 AdaGrad 式曲率估计），把权重移向剩余可学内容最多的任务，而不是噪声最大的任务。", "7ea4be1a"),
    "help.weighting.excess_mtl.robust_step": ("任务权重指数更新的步长 η（越大 = 权重越快跟随超额风险）", "db636070"),
    "help.weighting.excess_mtl.warmup_steps": ("权重保持相等的步数，其平均超额风险作为基准（0 = 用第一步的估计）", "b80d1809"),
    # ---- weighting.fairgrad
    "name.weighting.fairgrad": ("FairGrad（α-公平）", "e790b041"),
    "desc.weighting.fairgrad": ("像公平分配资源一样在任务之间分配更新：求解 (GGᵀ)w = w^(−1/α)，从简单求和（α = 0）经纳什议价（α = 1）到每个任务同等改进（α 很大）。", "b3c5b8f3"),
    "help.weighting.fairgrad.fairness": ("α-公平中的 α：0 = 简单求和（EW），1 = 比例公平（Nash-MTL 的方程），大 = 最大最小公平（每个任务同等改进）", "1c7b5508"),
    # ---- weighting.sdmgrad
    "name.weighting.sdmgrad": ("SDMGrad（方向导向）", "872805ba"),
    "desc.weighting.sdmgrad": ("MGDA 的共同下降方向，被 λ 拉向平均梯度：在避免冲突与推进平均损失之间折中。", "6abb07c3"),
    "help.weighting.sdmgrad.lam": ("λ：更新被拉向平均梯度的强度（0 = MGDA 的最小范数方向，大 = EW）", "86a1737c"),
    "help.weighting.sdmgrad.n_iter": ("每个训练步求解任务权重的投影 SGD 步数", "f6821c2d"),
    # ---- weighting.modo
    "name.weighting.modo": ("MoDo（双重采样）", "9b869bab"),
    "desc.weighting.modo": ("每个训练步只对 MGDA 的任务权重做一次小的投影梯度更新，而不是求解它们：在固定权重与避免冲突之间调节。", "489521a2"),
    "help.weighting.modo.lr": ("任务权重更新的步长 γ（0 = 固定的相等权重；大 = 跟随 MGDA 的最小范数权重）", "7c1aedd4"),
    "help.weighting.modo.l2": ("ρ：任务权重的 L2 正则，把它们拉向相等", "2e0d5d8c"),
    # ---- weighting.auto_lambda
    "name.weighting.auto_lambda": ("Auto-Lambda（前瞻一步）", "ac04f14b"),
    "desc.weighting.auto_lambda": ("向前看一步来学习任务权重：如果沿某个任务的梯度走一步会降低主任务在其他样本上的损失，这个任务就获得更多权重。", "f516586f"),
    "help.weighting.auto_lambda.lr": ("任务权重 logits 的步长（它们自己的 Adam 优化器）", "b07a6c7c"),
    "help.weighting.auto_lambda.lookahead_lr": ("权重向前看所经过的虚拟 SGD 步的步长 η", "fe5206d5"),
    "help.weighting.auto_lambda.primary": ("权重要降低其损失的任务（-1 = 所有任务，即多任务设定；序号 = 该任务，其余为辅助任务）", "e16073ca"),
    # ---- weighting.multibalance
    "name.weighting.multibalance": ("MultiBalance（表示层均衡）", "3ce1ea88"),
    "desc.weighting.multibalance": ("把每个任务对共享表示的梯度（滑动平均）缩放到共同的幅度：开销接近 EW 的梯度均衡。", "92610690"),
    "help.weighting.multibalance.reference": ("每个任务被拉向的幅度：各任务的平均、最大值，或某个目标任务的幅度", "dcd80648"),
    "help.weighting.multibalance.target": ("目标任务的序号（0 = 第一个任务）", "a5878a6b"),
    "help.weighting.multibalance.relax": ("松弛因子 r：每个任务的梯度幅度被拉向参照幅度的程度（1 = 相等，0 = 不变，即 EW）", "2e724c7a"),
    "help.weighting.multibalance.beta": ("梯度范数滑动平均的速率", "69ba10c3"),
}
