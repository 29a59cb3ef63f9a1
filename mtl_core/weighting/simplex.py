"""Euclidean projection onto the probability simplex, batched over runs (SDMGrad's and MoDo's weight updates).

Duchi, Shalev-Shwartz, Singer, Chandra, "Efficient Projections onto the l1-Ball for Learning in High
Dimensions", ICML 2008: sort, find the largest k with u_k > (Σ_{j<=k} u_j − 1)/k, shift by that threshold.
"""
from __future__ import annotations

import torch


def project_to_simplex(v: torch.Tensor) -> torch.Tensor:
    """(R, T) -> the nearest points (R, T) with w >= 0 and Σ w = 1, one per row."""
    T = v.shape[1]
    u = v.sort(dim=1, descending=True).values  # (R, T)
    css = u.cumsum(1) - 1  # (R, T)
    k = torch.arange(1, T + 1, dtype=v.dtype, device=v.device)  # (T,)
    rho = (u * k > css).to(v.dtype).mul(k).argmax(1, keepdim=True)  # (R, 1) last index where the test holds
    theta = css.gather(1, rho) / (rho + 1).to(v.dtype)  # (R, 1)
    return (v - theta).clamp_min(0)
