#pragma once
// Multi-head scaled dot-product attention on [batch, heads, seq, head_dim] tensors
// (torch.nn.functional.scaled_dot_product_attention without dropout):
//   out = softmax(Q·Kᵀ·scale + mask) · V,   scale = 1/√head_dim unless given.
// The two products are exposed separately because the runtime maps each onto a hardware unit of
// its own; attention() is exactly their composition with softmax over the last axis.
// Q is [B, H, Sq, D]; K is [B, H, Sk, D]; V is [B, H, Sk, Dv] (Sk may differ from Sq, Dv from D).
// Heads are not shared: grouped-query K/V must be repeated to H heads by the caller.
#include <optional>

#include "golden/ref/tensor.h"

namespace tessera::ref {

// Q·Kᵀ·scale → [B, H, Sq, Sk].
Tensor attention_scores(const Tensor& q, const Tensor& k, float scale);

// P·V with P [B, H, Sq, Sk] (probabilities) and V [B, H, Sk, Dv] → [B, H, Sq, Dv].
Tensor attention_output(const Tensor& probabilities, const Tensor& v);

// The scale the attention uses by default: 1/√head_dim of a [B, H, S, head_dim] query.
float default_attention_scale(const Tensor& q);

// mask, when given, is added to the scores and broadcasts to [B, H, Sq, Sk] (NumPy rules, so
// [Sq, Sk], [B, 1, 1, Sk], ... all work); -inf entries get probability exactly 0. A query row whose
// mask is -inf everywhere yields NaN, as in PyTorch.
Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* mask = nullptr,
                 std::optional<float> scale = std::nullopt);

}  // namespace tessera::ref
