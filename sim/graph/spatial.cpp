#include "sim/graph/spatial.h"

#include "golden/common/error.h"

namespace tessera::graph {

SpatialParams resolve_spatial(const Node& node, const Dims& input_spatial, const Dims& kernel) {
  const std::size_t rank = kernel.size();
  SpatialParams p;
  p.kernel = kernel;
  auto fetch = [&](const char* key, std::int64_t fallback) {
    Dims values = node.ints_attr(key, Dims(rank, fallback));
    if (values.size() != rank) {
      throw InputError(node.describe() + " attribute '" + key + "': expected " +
                       std::to_string(rank) + " values (one per spatial axis), got " +
                       std::to_string(values.size()));
    }
    for (std::int64_t v : values) {
      if (v < (fallback == 0 ? 0 : 1)) {
        throw InputError(node.describe() + " attribute '" + key + "': value " + std::to_string(v) +
                         " out of range");
      }
    }
    return values;
  };
  p.strides = fetch("strides", 1);
  p.dilations = fetch("dilations", 1);
  p.ceil_mode = node.int_attr("ceil_mode", 0) != 0;
  const std::string auto_pad = node.string_attr("auto_pad", "NOTSET");
  p.pads_begin.assign(rank, 0);
  p.pads_end.assign(rank, 0);
  if (auto_pad == "NOTSET") {
    Dims pads = node.ints_attr("pads", Dims(2 * rank, 0));
    if (pads.size() != 2 * rank) {
      throw InputError(node.describe() + " attribute 'pads': expected " + std::to_string(2 * rank) +
                       " values (begin and end of each spatial axis), got " +
                       std::to_string(pads.size()));
    }
    for (std::size_t i = 0; i < rank; ++i) {
      p.pads_begin[i] = pads[i];
      p.pads_end[i] = pads[i + rank];
      if (pads[i] < 0 || pads[i + rank] < 0) {
        throw InputError(node.describe() + " attribute 'pads': negative padding");
      }
    }
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (std::size_t i = 0; i < rank; ++i) {
      const std::int64_t in = i < input_spatial.size() ? input_spatial[i] : -1;
      if (in < 0) continue;
      const std::int64_t out = (in + p.strides[i] - 1) / p.strides[i];
      const std::int64_t total = std::max<std::int64_t>(
          0, (out - 1) * p.strides[i] + (kernel[i] - 1) * p.dilations[i] + 1 - in);
      const std::int64_t small = total / 2, large = total - total / 2;
      p.pads_begin[i] = auto_pad == "SAME_UPPER" ? small : large;
      p.pads_end[i] = auto_pad == "SAME_UPPER" ? large : small;
    }
  } else if (auto_pad != "VALID") {
    throw InputError(node.describe() + " attribute 'auto_pad': expected NOTSET, SAME_UPPER, "
                     "SAME_LOWER or VALID, got '" + auto_pad + "'");
  }
  return p;
}

std::int64_t spatial_output_extent(const Node& node, std::int64_t input, std::int64_t kernel,
                                   std::int64_t stride, std::int64_t dilation,
                                   std::int64_t pad_begin, std::int64_t pad_end, bool ceil_mode) {
  if (input < 0) return -1;
  const std::int64_t span = dilation * (kernel - 1) + 1;
  const std::int64_t padded = input + pad_begin + pad_end;
  if (kernel < 1 || span > padded) {
    throw InputError(node.describe() + ": window of extent " + std::to_string(span) +
                     " does not fit the padded input extent " + std::to_string(padded));
  }
  std::int64_t out = ceil_mode ? (padded - span + stride - 1) / stride + 1
                               : (padded - span) / stride + 1;
  // In ceil mode the last window must start inside the input or its leading padding.
  if (ceil_mode && (out - 1) * stride >= input + pad_begin) --out;
  return out;
}

}  // namespace tessera::graph
