#pragma once
// Window geometry of Conv and pooling nodes (ONNX attributes kernel_shape, strides, dilations,
// pads, auto_pad, ceil_mode), resolved once here for both shape inference and the kernels.
#include <cstdint>

#include "sim/graph/ir.h"

namespace tessera::graph {

struct SpatialParams {
  Dims kernel, strides, dilations, pads_begin, pads_end;
  bool ceil_mode = false;
};

// `input_spatial` are the spatial extents of the input (-1 when unknown; auto_pad SAME then
// leaves pads unresolved at 0), `kernel` the window extents (from kernel_shape or the weight).
// Throws InputError naming the node when an attribute has the wrong length or value.
SpatialParams resolve_spatial(const Node& node, const Dims& input_spatial, const Dims& kernel);

// Output extent of one spatial axis (-1 if the input is unknown); throws InputError naming the
// node when the window does not fit.
std::int64_t spatial_output_extent(const Node& node, std::int64_t input, std::int64_t kernel,
                                   std::int64_t stride, std::int64_t dilation,
                                   std::int64_t pad_begin, std::int64_t pad_end, bool ceil_mode);

}  // namespace tessera::graph
