#pragma once
// The MX model configuration that describes the verilated quantizer -> dot chain
// (rtl/tessera_cosim_mx_chain.sv): A quantized on the unit, B already quantized, and the block dot
// products added in FP32 in block order by the driver (block_then_fp32), since the RTL has no
// multi-block accumulator yet.
#include <cstdint>

#include "golden/mx/element_format.h"
#include "models/mx/mx_unit.h"

namespace tessera::cosim {

inline models::MxUnitConfig mx_chain_config(mx::ElementFormat format_a, mx::ElementFormat format_b,
                                            std::uint64_t tile_m) {
  models::MxUnitConfig config;
  config.format_a = format_a;
  config.format_b = format_b;
  config.accumulation = mx::Accumulation::block_then_fp32;
  config.tile_m = tile_m;
  return config;
}

}  // namespace tessera::cosim
