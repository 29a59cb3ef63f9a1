"""A split for R runs: every tensor has a leading run axis, so one index gathers R batches."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

from ..data.base import Split


@dataclass
class StackedSplit:
    dense: torch.Tensor  # (R, N, n_dense)
    cat: torch.Tensor  # (R, N, C)
    y: torch.Tensor  # (R, N, T)
    mask: torch.Tensor  # (R, N, T)
    extra: dict[str, torch.Tensor]  # (R, N), e.g. the funnel's true probabilities

    @staticmethod
    def of(splits: Sequence[Split], device) -> "StackedSplit":
        def st(xs):
            xs = list(xs)
            if len(xs) == 1:  # a lone run: a view, not a copy (the data is held once)
                return xs[0].unsqueeze(0).to(device)
            return torch.stack(xs).to(device)
        keys = set(splits[0].extra)
        return StackedSplit(st(s.dense for s in splits), st(s.cat for s in splits), st(s.y for s in splits),
                            st(s.mask for s in splits), {k: st(s.extra[k] for s in splits) for k in keys})

    def take(self, idx: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Per-run rows idx (R, B) -> dense, cat, y, mask each (R, B, ...)."""
        R, B = idx.shape
        if R == 1:
            return tuple(t[0].index_select(0, idx[0]).unsqueeze(0) for t in (self.dense, self.cat, self.y, self.mask))
        # one index_select on the runs' rows laid end to end: much cheaper than advanced indexing t[r, idx]
        N = self.y.shape[1]
        flat = (idx + torch.arange(R, device=idx.device)[:, None] * N).reshape(-1)
        return tuple(t.reshape(R * N, *t.shape[2:]).index_select(0, flat).view(R, B, *t.shape[2:])
                     for t in (self.dense, self.cat, self.y, self.mask))

    def rows(self, sl: slice) -> tuple[torch.Tensor, ...]:
        """The same rows of every run -> dense, cat, y, mask each (R, n, ...)."""
        return self.dense[:, sl], self.cat[:, sl], self.y[:, sl], self.mask[:, sl]

    def __len__(self) -> int:
        return self.y.shape[1]
