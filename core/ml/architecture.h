// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: the fixed shapes of the reward models (models.cpp builds them; model files
// record them in their "architecture" metadata so that a reader outside the workbench,
// scripts/score_rm.py, can rebuild the forward pass).
#include <cstdint>

namespace hyper::ml::arch {

// Bag: embedding width, and hidden units of the MLP head.
inline constexpr std::int64_t kBagDim = 32;
inline constexpr std::int64_t kBagHidden = 64;
// Transformer: model width, heads, layers, feed-forward width, dropout (training only),
// LayerNorm epsilon (LibTorch's default).
inline constexpr std::int64_t kModelDim = 128;
inline constexpr std::int64_t kHeads = 4;
inline constexpr std::int64_t kLayers = 2;
inline constexpr std::int64_t kFeedForward = 256;
inline constexpr double kDropout = 0.1;
inline constexpr double kLayerNormEps = 1e-5;
// Transformer: the prompt gets at most this share of the token budget; the response
// (what is being judged) gets the rest.
inline constexpr double kPromptShare = 0.25;

} // namespace hyper::ml::arch
