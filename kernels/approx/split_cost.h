#pragma once
// The gather path's cost model: estimated cost per product of running a split of a table, in
// units of a two-plane row-split lookup, from measurements on one core (512x768x768, AMX tile
// sums, kernels/README.md). It picks the number of linear terms of each split (row_split.cpp,
// signed_split.cpp) and, per call, the split that runs (gather_gemm.cpp).
namespace tessera::kernels {

// The row split (row_split.h) runs every step at its widest row: one byte plane is 4 masked
// vpermb per 64 products instead of 8 (~29 vs ~19 G products/s).
inline constexpr double kRowPlaneCost[3] = {0.0, 0.65, 1.0};
// The signed split (signed_split.h) looks up 2 vpermb per 64 products and plane and NOTs the
// negative columns (two planes ~22.8 G products/s, one ~40 G).
inline constexpr double kSignedPlaneCost[3] = {0.0, 0.45, 0.85};
// One more pass of the integer GEMM (a linear term; the signed split's correction), ~14x faster
// than a two-plane lookup.
inline constexpr double kGemmTermCost = 0.07;
// One plane plus exception rows: a step that holds an exception code costs about a one-plane
// lookup more (measured: Mitchell at 3 terms with 86 exception rows, 14.2 G MAC/s on uniform codes
// where two planes run at 16.4); listing the steps, a scan of the activations. (The signed split's
// exception rows look up both byte planes: kRowPlaneCost[2] per step that holds one.)
inline constexpr double kExceptionHitCost = 0.7;
inline constexpr double kExceptionScanCost = 0.01;

}  // namespace tessera::kernels
