#pragma once
// Umbrella header of models/: the timing-only calls, one overload per unit family, and the shell.
//
//   LayerCost cost_gemm(const ApproxArrayConfig&, const GemmShape&, const EnergyTable& = defaults())
//   LayerCost cost_gemm(const MxUnitConfig&, ...)      LayerCost cost_gemm(const OpticalArrayConfig&, ...)
//   LayerCost cost_layer(const AcceleratorConfig&, const GemmShape&)   // unit + scratchpads + DMA/DRAM
//   LayerCost cost_conv(const AcceleratorConfig&, const ConvShape&)    // conv lowered to GEMM
#include "models/approx/approx_array.h"
#include "models/common/cost.h"
#include "models/common/energy.h"
#include "models/mx/mx_unit.h"
#include "models/optical/optical_array.h"
#include "models/shell/accelerator.h"

namespace tessera::models {

inline LayerCost cost_gemm(const ApproxArrayConfig& config, const GemmShape& shape,
                           const EnergyTable& table = EnergyTable::defaults()) {
  return approx_cost_gemm(config, shape, table);
}
inline LayerCost cost_gemm(const MxUnitConfig& config, const GemmShape& shape,
                           const EnergyTable& table = EnergyTable::defaults()) {
  return mx_cost_gemm(config, shape, table);
}
inline LayerCost cost_gemm(const OpticalArrayConfig& config, const GemmShape& shape,
                           const EnergyTable& table = EnergyTable::defaults()) {
  return optical_cost_gemm(config, shape, table);
}

}  // namespace tessera::models
