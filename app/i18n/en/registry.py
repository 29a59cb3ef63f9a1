"""English: parameter labels, and the registry texts (names, descriptions, every parameter's help) exactly as the
registries of mtl_core say them. The app shows the registry's own English; this copy is what the Chinese
translations were made from, and a test fails when the registry changes so the translation can follow."""

STRINGS: dict[str, str] = {
    # ---- short labels of parameters (widgets)
    "p.rho": "ρ — task correlation",
    "p.n_train": "Sample size",
    "p.n_val": "Validation size",
    "p.n_test": "Test size",
    "p.noise": "Label noise (std)",
    "p.m": "Non-linearity m (sine terms)",
    "p.d": "Input dimension d",
    "p.c": "Weight scale c",
    "p.n_tasks": "Number of tasks",
    "p.ab_mode": "α, β draw",
    "p.ab_seed": "α, β seed",
    "p.n_experts": "Experts",
    "p.expert_units": "Expert layer sizes",
    "p.tower_units": "Tower layer sizes",
    "p.bottom_units": "Bottom layer sizes",
    "p.embed_dim": "Embedding size",
    "p.shared_experts": "Shared experts",
    "p.task_experts": "Experts per task",
    "p.n_levels": "Levels",
    "p.epochs": "Epochs",
    "p.batch_size": "Batch size",
    "p.lr": "Learning rate",
    "p.optimizer": "Optimizer",
    "p.weight_decay": "Weight decay",
    "p.seed": "Seed (data, init, batch order)",
    "p.device": "Device",
    "p.baseline": "Single-task baselines (dashed)",
    "p.snapshots_per_epoch": "Live updates per epoch",
    "p.n_impressions": "Impressions",
    "p.n_users": "Users (ID cardinality)",
    "p.n_items": "Items (ID cardinality)",
    "p.relatedness": "CTR–CVR relatedness",
    "p.base_ctr": "Base click rate",
    "p.base_cvr": "Base conversion rate",
    "p.latent_dim": "Latent factors",
    "p.bias_std": "Bias spread (std)",
    "p.latent_std": "Factor spread (std)",
    "p.n_dense": "Dense features",
    "p.val_frac": "Validation share",
    "p.test_frac": "Test share",
    "p.backbone": "Backbone",
    "p.hidden_units": "Hidden layer sizes",
    "p.column_units": "Column layer sizes",
    "p.calibrator_alpha": "Calibrator weight α",
    "p.weights": "Task weights",
    "p.omega": "Initial weights ω",
    "p.gamma": "Decay γ per epoch",
    "p.alpha": "Asymmetry α",
    "p.temperature": "Temperature T",
    "p.normalize": "Gradient normalisation",
    "p.mode": "Mode",
    "p.weighting.c": "Conflict aversion c",
    "p.update_weights_every": "Update weights every (steps)",
    "p.max_norm": "Gradient clip norm",
    "p.source_task": "Source task",
    "p.stop_gradient": "Stop gradient into the source",
    "p.l0_lambda": "L0 penalty λ",
    "p.k": "Experts per task (k)",
    "p.gating": "Gating",
    "p.entropy_reg": "Entropy regulariser",
    "p.model.gamma": "Smooth-step width γ",
    "p.task_group": "Task group",
    "p.n_eval": "Validation / test size",
    "p.selection_strength": "Click selection strength",
    "p.propensity_floor": "Propensity floor",
    "p.counterfactual_weight": "Counterfactual weight λ",
    # ---- registry names
    "name.data.synthetic": "Synthetic (MMoE paper, controlled task correlation)",
    # ---- registry descriptions
    "desc.data.synthetic": "Regression tasks whose correlation ρ you set; the label correlation is measured.",
    # ---- parameter help: datasets
    "help.data.synthetic.n_train": "training samples",
    "help.data.synthetic.n_val": "validation samples",
    "help.data.synthetic.n_test": "test samples",
    "help.data.synthetic.d": "input dimension",
    "help.data.synthetic.rho": "task correlation: cosine of the two tasks' weight vectors",
    "help.data.synthetic.c": "scale of the weight vectors",
    "help.data.synthetic.m": "number of sine terms (non-linearity)",
    "help.data.synthetic.ab_mode": "alpha/beta: 'fixed' = drawn once from ab_seed (the paper's given parameters); "
                                   "'random' = redrawn per run seed",
    "help.data.synthetic.ab_seed": "seed of the fixed alpha/beta draw",
    "help.data.synthetic.noise": "label noise standard deviation",
    "help.data.synthetic.n_tasks": "number of tasks",
    "help.data.synthetic.label_scale_b": "multiplies the labels of task2 (its loss grows by the square): a "
        "loss-scale imbalance",
    "help.data.synthetic.m_b": "number of sine terms of task2 (-1: the same as m): one easy and one hard task",
    "help.data.synthetic.noise_b": "label noise standard deviation of task2 (-1: the same as noise)",
    # ---- registry names
    "name.data.funnel": "Funnel: impression → click → conversion (ESMM world)",
    # ---- registry descriptions
    "desc.data.funnel": "Users × items with known true pCTR and pCVR; conversions are observed only after clicks. "
                        "ID cardinality (sparsity) and CTR–CVR relatedness decide whether ESMM beats a clicked-only "
                        "CVR model.",
    # ---- parameter help: datasets
    "help.data.funnel.n_impressions": "number of impressions (all splits together)",
    "help.data.funnel.n_users": "number of users (ID cardinality; more = sparser)",
    "help.data.funnel.n_items": "number of items (ID cardinality; more = sparser)",
    "help.data.funnel.latent_dim": "dimension k of the user/item latent vectors",
    "help.data.funnel.base_ctr": "mean click-through rate over impressions",
    "help.data.funnel.base_cvr": "conversion rate given a click",
    "help.data.funnel.relatedness": "ρ: correlation of the CVR-side biases and factors with the CTR-side ones",
    "help.data.funnel.selection_strength": "how strongly clicks select impressions: multiplies the spread of the "
                                           "CTR logit (0 = clicks at random, no sample selection bias; 2 = clicks "
                                           "concentrate on the likeliest impressions)",
    "help.data.funnel.bias_std": "std of the user and item biases",
    "help.data.funnel.latent_std": "std of each latent coordinate (the interaction term has std latent_std²)",
    "help.data.funnel.n_dense": "number of dense context features (small linear effect on both logits)",
    "help.data.funnel.val_frac": "fraction of impressions in the validation split",
    "help.data.funnel.test_frac": "fraction of impressions in the test split",
    # ---- registry names
    "name.data.census": "Census-Income (KDD), real data (MMoE paper benchmark)",
    # ---- registry descriptions
    "desc.data.census": "299,285 people from the 1994–95 US Current Population Surveys: predict income > $50K (or a "
                        "college degree) and never married. Mostly categorical features through the shared "
                        "embedding layer. Needs a one-time download: `python -m mtl_core data fetch census`.",
    # ---- parameter help: datasets
    "help.data.census.task_group": "1: income > $50K and never married; 2: college degree and never married (the "
                                   "MMoE paper's two groups)",
    "help.data.census.n_train": "training rows: a fixed subsample of the 199,523 of the official training file (all "
                                "of them for the paper's setting)",
    "help.data.census.n_eval": "rows of each of the validation and test splits (halves of the official test file, "
                               "49,881 each)",
    # ---- registry names
    "name.arch.single_task": "Single-task baselines",
    # ---- registry descriptions
    "desc.arch.single_task": "One separate network per task: no sharing, no interference, no transfer.",
    # ---- parameter help: architectures
    "help.arch.single_task.bottom_units": "hidden layer sizes of each task's network",
    "help.arch.single_task.tower_units": "hidden layer sizes of each task tower",
    "help.arch.single_task.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.shared_bottom": "Shared-Bottom",
    # ---- registry descriptions
    "desc.arch.shared_bottom": "All tasks read one shared representation; cheap, but related tasks pull it apart.",
    # ---- parameter help: architectures
    "help.arch.shared_bottom.bottom_units": "hidden layer sizes of the shared bottom (113 matches the MMoE paper's "
                                            "parameter budget)",
    "help.arch.shared_bottom.tower_units": "hidden layer sizes of each task tower",
    "help.arch.shared_bottom.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.cross_stitch": "Cross-Stitch Networks",
    # ---- registry descriptions
    "desc.arch.cross_stitch": "One network per task, with learned matrices that let the columns borrow from each "
                              "other after every layer.",
    # ---- parameter help: architectures
    "help.arch.cross_stitch.column_units": "hidden layer sizes of each task's column (a cross-stitch unit follows "
                                           "every layer)",
    "help.arch.cross_stitch.tower_units": "hidden layer sizes of each task tower",
    "help.arch.cross_stitch.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.omoe": "OMoE (One-gate Mixture-of-Experts)",
    # ---- registry descriptions
    "desc.arch.omoe": "Shared experts with one gate for all tasks: mixes experts, but the same way for everyone.",
    # ---- parameter help: architectures
    "help.arch.omoe.n_experts": "number of shared experts",
    "help.arch.omoe.expert_units": "hidden layer sizes of each expert",
    "help.arch.omoe.tower_units": "hidden layer sizes of each task tower",
    "help.arch.omoe.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.mmoe": "MMoE (Multi-gate Mixture-of-Experts)",
    # ---- registry descriptions
    "desc.arch.mmoe": "Shared experts, one softmax gate per task: each task chooses its own mix.",
    # ---- parameter help: architectures
    "help.arch.mmoe.n_experts": "number of shared experts",
    "help.arch.mmoe.expert_units": "hidden layer sizes of each expert",
    "help.arch.mmoe.tower_units": "hidden layer sizes of each task tower",
    "help.arch.mmoe.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.cgc": "CGC (Customized Gate Control)",
    # ---- registry descriptions
    "desc.arch.cgc": "Each task has experts of its own plus shared ones; its gate mixes only those (one-level PLE).",
    # ---- parameter help: architectures
    "help.arch.cgc.shared_experts": "shared experts per level",
    "help.arch.cgc.task_experts": "task-specific experts per level: one value for every task, or one per task",
    "help.arch.cgc.expert_units": "hidden layer sizes of each expert",
    "help.arch.cgc.tower_units": "hidden layer sizes of each task tower",
    "help.arch.cgc.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.ple": "PLE (Progressive Layered Extraction)",
    # ---- registry descriptions
    "desc.arch.ple": "Stacked levels of task-specific and shared experts: each task keeps experts of its own, so "
                     "conflicting tasks stop fighting over the same ones.",
    # ---- parameter help: architectures
    "help.arch.ple.n_levels": "number of stacked extraction levels (1 = CGC)",
    "help.arch.ple.shared_experts": "shared experts per level",
    "help.arch.ple.task_experts": "task-specific experts per level: one value for every task, or one per task",
    "help.arch.ple.expert_units": "hidden layer sizes of each expert",
    "help.arch.ple.tower_units": "hidden layer sizes of each task tower",
    "help.arch.ple.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.esmm": "ESMM (Entire Space Multi-task Model)",
    # ---- registry descriptions
    "desc.arch.esmm": "Learns pCVR only through pCTCVR = pCTR x pCVR over all impressions, avoiding the click-only "
                      "sample selection bias.",
    # ---- parameter help: architectures
    "help.arch.esmm.backbone": "what the two towers share (an architecture from the registry)",
    "help.arch.esmm.bottom_units": "hidden layer sizes of the shared bottom (113 matches the MMoE paper's parameter "
                                   "budget)",
    "help.arch.esmm.n_experts": "number of shared experts",
    "help.arch.esmm.expert_units": "hidden layer sizes of each expert",
    "help.arch.esmm.shared_experts": "shared experts per level",
    "help.arch.esmm.task_experts": "task-specific experts per level: one value for every task, or one per task",
    "help.arch.esmm.n_levels": "number of stacked extraction levels (1 = CGC)",
    "help.arch.esmm.tower_units": "hidden layer sizes of each task tower",
    "help.arch.esmm.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.aitm": "AITM (Adaptive Information Transfer)",
    # ---- registry descriptions
    "desc.arch.aitm": "Funnel tasks in sequence: each step attends to what the previous step passes on, and a "
                      "calibrator keeps later steps no likelier than earlier ones.",
    # ---- parameter help: architectures
    "help.arch.aitm.tower_units": "hidden layer sizes of each task tower",
    "help.arch.aitm.calibrator_alpha": "weight of the penalty on a later step being likelier than an earlier one",
    "help.arch.aitm.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.asymmetric": "Asymmetric sharing",
    # ---- registry descriptions
    "desc.arch.asymmetric": "Each task has its own bottom; one task's representation also feeds the others' towers, "
                            "never the reverse: help flows one way and the source task is left undisturbed.",
    # ---- parameter help: architectures
    "help.arch.asymmetric.source_task": "the task (1 = first) whose representation the other tasks also read; it "
                                        "reads only its own",
    "help.arch.asymmetric.stop_gradient": "the other tasks read the source's representation without training it "
                                          "(the source task learns from its own loss only)",
    "help.arch.asymmetric.bottom_units": "hidden layer sizes of each task's own bottom (64 gives two tasks about "
                                         "the MMoE paper's parameter budget)",
    "help.arch.asymmetric.tower_units": "hidden layer sizes of each task tower",
    "help.arch.asymmetric.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.snr": "SNR (Sub-Network Routing)",
    # ---- registry descriptions
    "desc.arch.snr": "Layers of small sub-networks wired by learned on/off connections (L0-regularised): each "
                     "task's path through them is found by training, a tiny architecture search.",
    # ---- parameter help: architectures
    "help.arch.snr.mode": "trans: each connection has its own learned matrix (SNR-Trans); aver: a weighted sum of "
                          "the experts below (SNR-Aver)",
    "help.arch.snr.n_levels": "levels of experts (routing steps: between levels and into the towers)",
    "help.arch.snr.n_experts": "experts (sub-networks) per level",
    "help.arch.snr.expert_units": "hidden layer sizes of each expert",
    "help.arch.snr.l0_lambda": "weight of the L0 penalty: the expected fraction of open routing connections, added "
                               "once to the loss",
    "help.arch.snr.tower_units": "hidden layer sizes of each task tower",
    "help.arch.snr.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.dselect_k": "DSelect-k (differentiable top-k gates)",
    # ---- registry descriptions
    "desc.arch.dselect_k": "Shared experts with differentiable top-k gates: each task ends up using at most k "
                           "experts, exact zeros elsewhere - does a task really need all of them?",
    # ---- parameter help: architectures
    "help.arch.dselect_k.n_experts": "number of shared experts",
    "help.arch.dselect_k.k": "experts each task may use (at most; capped at the number of experts)",
    "help.arch.dselect_k.gamma": "width γ of the smooth-step's transition: smaller selects sooner",
    "help.arch.dselect_k.gating": "static: one selection per task (the paper's static gate); per_example: a "
                                  "selection per sample",
    "help.arch.dselect_k.entropy_reg": "weight of the entropy regulariser that pushes each selector to one expert, "
                                       "added once to the loss",
    "help.arch.dselect_k.expert_units": "hidden layer sizes of each expert",
    "help.arch.dselect_k.tower_units": "hidden layer sizes of each task tower",
    "help.arch.dselect_k.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.esmm_ns": "ESMM-NS (ESMM without sharing)",
    # ---- registry descriptions
    "desc.arch.esmm_ns": "ESMM's entire-space losses on two separate networks (own embeddings each): what the loss "
                         "alone buys, without feature sharing.",
    # ---- parameter help: architectures
    "help.arch.esmm_ns.bottom_units": "hidden layer sizes of each task's own bottom",
    "help.arch.esmm_ns.tower_units": "hidden layer sizes of each task tower",
    "help.arch.esmm_ns.embed_dim": "embedding size per categorical field",
    # ---- registry names
    "name.arch.ipw": "IPW (inverse-propensity-weighted CVR)",
    # ---- registry descriptions
    "desc.arch.ipw": "Trains CVR on clicked impressions only, each weighted by 1/pCTR from its own CTR tower, so "
                     "the clicked sample stands for the entire space.",
    # ---- parameter help: architectures
    "help.arch.ipw.backbone": "what the two towers share (an architecture from the registry)",
    "help.arch.ipw.bottom_units": "hidden layer sizes of the shared bottom (113 matches the MMoE paper's parameter "
                                  "budget)",
    "help.arch.ipw.n_experts": "number of shared experts",
    "help.arch.ipw.expert_units": "hidden layer sizes of each expert",
    "help.arch.ipw.shared_experts": "shared experts per level",
    "help.arch.ipw.task_experts": "task-specific experts per level: one value for every task, or one per task",
    "help.arch.ipw.n_levels": "number of stacked extraction levels (1 = CGC)",
    "help.arch.ipw.tower_units": "hidden layer sizes of each task tower",
    "help.arch.ipw.embed_dim": "embedding size per categorical field",
    "help.arch.ipw.propensity_floor": "smallest propensity (pCTR) an inverse weight divides by: weights are at most "
                                      "1/floor",
    # ---- registry names
    "name.arch.escm2_ipw": "ESCM²-IPS (ESMM + counterfactual IPS risk)",
    # ---- registry descriptions
    "desc.arch.escm2_ipw": "ESMM's entire-space losses plus an inverse-propensity-weighted CVR risk on clicked "
                           "impressions, a counterfactual regulariser against ESMM's CVR bias.",
    # ---- parameter help: architectures
    "help.arch.escm2_ipw.backbone": "what the two towers share (an architecture from the registry)",
    "help.arch.escm2_ipw.bottom_units": "hidden layer sizes of the shared bottom (113 matches the MMoE paper's "
                                        "parameter budget)",
    "help.arch.escm2_ipw.n_experts": "number of shared experts",
    "help.arch.escm2_ipw.expert_units": "hidden layer sizes of each expert",
    "help.arch.escm2_ipw.shared_experts": "shared experts per level",
    "help.arch.escm2_ipw.task_experts": "task-specific experts per level: one value for every task, or one per task",
    "help.arch.escm2_ipw.n_levels": "number of stacked extraction levels (1 = CGC)",
    "help.arch.escm2_ipw.tower_units": "hidden layer sizes of each task tower",
    "help.arch.escm2_ipw.embed_dim": "embedding size per categorical field",
    "help.arch.escm2_ipw.counterfactual_weight": "λ: weight of the IPS-weighted CVR risk on clicked impressions",
    "help.arch.escm2_ipw.propensity_floor": "smallest propensity (pCTR) an inverse weight divides by: weights are "
                                            "at most 1/floor",
    # ---- registry names
    "name.weighting.ew": "Equal weights (EW)",
    # ---- registry descriptions
    "desc.weighting.ew": "Sum the task losses unchanged.",
    # ---- registry names
    "name.weighting.static": "Static weights",
    # ---- registry descriptions
    "desc.weighting.static": "Multiply each task loss by a fixed weight you choose.",
    # ---- parameter help: loss weightings
    "help.weighting.static.weights": "task weights: one for all tasks or one per task",
    # ---- registry names
    "name.weighting.ple_decay": "PLE decaying weights",
    # ---- registry descriptions
    "desc.weighting.ple_decay": "w_k = ω_k·γ_k^epoch: a task's weight decays geometrically with the epoch.",
    # ---- parameter help: loss weightings
    "help.weighting.ple_decay.omega": "initial weight ω_k (one, or one per task)",
    "help.weighting.ple_decay.gamma": "per-epoch decay γ_k (one, or one per task)",
    # ---- registry names
    "name.weighting.uw": "Uncertainty weighting (UW)",
    # ---- registry descriptions
    "desc.weighting.uw": "Learn each task's noise variance σ²; noisy tasks get weight ∝ 1/σ², plus a log σ penalty.",
    # ---- registry names
    "name.weighting.gradnorm": "GradNorm",
    # ---- registry descriptions
    "desc.weighting.gradnorm": "Learn weights so each task's gradient norm on the last shared layer matches the "
                               "average, scaled by how far behind the task is.",
    # ---- parameter help: loss weightings
    "help.weighting.gradnorm.alpha": "restoring force: how strongly slower tasks are pushed up",
    # ---- registry names
    "name.weighting.dwa": "Dynamic Weight Average (DWA)",
    # ---- registry descriptions
    "desc.weighting.dwa": "Weights from how fast each loss fell last epoch: slower tasks get more weight.",
    # ---- parameter help: loss weightings
    "help.weighting.dwa.temperature": "softmax temperature: higher = weights closer to 1",
    # ---- registry names
    "name.weighting.rlw": "Random loss weighting (RLW)",
    # ---- registry descriptions
    "desc.weighting.rlw": "Random weights T·softmax(N(0, I)) each step: the litmus test other methods should beat.",
    # ---- registry names
    "name.weighting.pcgrad": "PCGrad (gradient surgery)",
    # ---- registry descriptions
    "desc.weighting.pcgrad": "When two task gradients conflict, project each onto the normal plane of the other, "
                             "then sum.",
    # ---- registry names
    "name.weighting.mgda": "MGDA (min-norm)",
    # ---- registry descriptions
    "desc.weighting.mgda": "Follow the smallest vector in the convex hull of the task gradients: a direction that "
                           "decreases every task (or stops at a Pareto-stationary point).",
    # ---- parameter help: loss weightings
    "help.weighting.mgda.normalize": "gradient normaliser before the min-norm solve",
    "help.weighting.mgda.mode": "rep = MGDA-UB (gradients w.r.t. the shared representation, cheap); params = exact "
                                "MGDA on the shared parameters",
    # ---- registry names
    "name.weighting.cagrad": "CAGrad (conflict-averse)",
    # ---- registry descriptions
    "desc.weighting.cagrad": "Stay close to the average gradient but maximise the worst task's improvement.",
    # ---- parameter help: loss weightings
    "help.weighting.cagrad.c": "radius of the ball around the mean gradient (0 = plain mean)",
    # ---- registry names
    "name.weighting.nash_mtl": "Nash-MTL (bargaining)",
    # ---- registry descriptions
    "desc.weighting.nash_mtl": "Each task bargains for its share: solve (GGᵀ)α = 1/α, so every task gets a "
                               "proportional improvement and no task dominates.",
    # ---- parameter help: loss weightings
    "help.weighting.nash_mtl.update_weights_every": "recompute α every this many steps (reuse it in between)",
    "help.weighting.nash_mtl.max_norm": "clip the combined shared gradient to this norm (0 disables)",
    # ---- registry names
    "name.weighting.famo": "FAMO (fast adaptive)",
    # ---- registry descriptions
    "desc.weighting.famo": "Descend the weighted log-losses and, after each step, shift weight towards the tasks whose "
                           "loss fell least: balanced improvement without per-task gradients.",
    # ---- parameter help: loss weightings
    "help.weighting.famo.lr": "step size of the task-weight logits (their own Adam optimiser)",
    "help.weighting.famo.gamma": "decay of the task-weight logits towards equal weights",
    # ---- registry names
    "name.weighting.gradvac": "GradVac (gradient vaccine)",
    # ---- registry descriptions
    "desc.weighting.gradvac": "Give every pair of tasks a target gradient cosine (a moving average of the cosines "
                              "seen) and, when a pair falls below it, add just enough of one gradient to the other to "
                              "reach it.",
    # ---- parameter help: loss weightings
    "help.weighting.gradvac.beta": "rate of the moving average that sets each pair's target cosine (0 = target stays "
                                   "0, i.e. PCGrad)",
    # ---- registry names
    "name.weighting.imtl": "IMTL (impartial)",
    # ---- registry descriptions
    "desc.weighting.imtl": "Scale the task gradients so that the update has the same projection on every task's "
                           "gradient direction, and learn loss scales that bring every loss to the same level.",
    # ---- parameter help: loss weightings
    "help.weighting.imtl.variant": "hybrid = the paper's IMTL (loss balance and gradient balance); g = IMTL-G alone; "
                                   "l = IMTL-L alone",
    "help.weighting.imtl.mode": "rep = gradients w.r.t. the shared representation (as in the paper, cheap); params = "
                                "gradients on the shared parameters",
    # ---- registry names
    "name.weighting.aligned_mtl": "Aligned-MTL (aligned components)",
    # ---- registry descriptions
    "desc.weighting.aligned_mtl": "Make the task gradients orthogonal and equally long before summing them, so no task "
                                  "dominates the update and none conflicts with another.",
    # ---- parameter help: loss weightings
    "help.weighting.aligned_mtl.scale": "length of the aligned gradients: the smallest singular value (paper), the "
                                        "median or the root mean square",
    "help.weighting.aligned_mtl.mode": "params = gradients on the shared parameters; rep = gradients w.r.t. the shared "
                                       "representation (Aligned-MTL-UB, cheap)",
    # ---- registry names
    "name.weighting.db_mtl": "DB-MTL (dual balancing)",
    # ---- registry descriptions
    "desc.weighting.db_mtl": "Train on the logarithm of each loss (loss-scale balance) and rescale every task's "
                             "gradient to the largest task-gradient norm (gradient-magnitude balance).",
    # ---- parameter help: loss weightings
    "help.weighting.db_mtl.beta": "rate of the moving average of each task's gradient (0 = this step's gradient only)",
    "help.weighting.db_mtl.beta_sigma": "σ: the moving-average rate decays as β / step^σ (0 = constant)",
    # ---- registry names
    "name.weighting.metabalance": "MetaBalance (target + auxiliary)",
    # ---- registry descriptions
    "desc.weighting.metabalance": "Keep one target task's gradient as it is and pull every auxiliary task's gradient "
                                  "magnitude towards it, separately for each shared layer.",
    # ---- parameter help: loss weightings
    "help.weighting.metabalance.target": "index of the target task (0 = the first); every other task is auxiliary",
    "help.weighting.metabalance.relax": "relax factor r: how close an auxiliary gradient's magnitude is pulled to the "
                                        "target's (1 = equal, 0 = unchanged)",
    "help.weighting.metabalance.beta": "rate of the moving average of the gradient norms",
    "help.weighting.metabalance.adapt": "which auxiliary gradients are rescaled: both, only those larger than the "
                                        "target's (reduce), or only the smaller ones (enlarge)",
    # ---- parameter help: training
    "help.train.epochs": "passes over the training data",
    "help.train.batch_size": "samples per optimisation step",
    "help.train.lr": "learning rate",
    "help.train.optimizer": "optimiser",
    "help.train.weight_decay": "L2 penalty / decoupled weight decay",
    "help.train.seed": "seed of the data draw, the initialisation and the batch order",
    "help.train.device": "where to train: auto picks CUDA, then MPS, then CPU",
    "help.train.baseline": "also train single-task baselines on the same data and budget",
    "help.train.snapshots_per_epoch": "evaluations (live-view updates) per epoch",
}
