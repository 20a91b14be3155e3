#pragma once
// Registration of the reference kernels, one function per group of ops (one file each), and the
// helpers the kernels share.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "golden/common/error.h"
#include "sim/runtime/kernel.h"

namespace tessera::runtime::ops {

using KernelTable = std::map<std::pair<std::string, std::string>, KernelFn>;  // (domain, op)

void register_elementwise(KernelTable& table);   // elementwise.cpp: arithmetic, compare, Where, activations
void register_shape_ops(KernelTable& table);     // shape_ops.cpp: Reshape, Transpose, Slice, Gather, ...
void register_reduce(KernelTable& table);        // reduce.cpp: ReduceMean/Sum/Max
void register_nn(KernelTable& table);            // nn.cpp: Conv, Gemm, MatMul, pooling, norms, softmax

// The i-th input, which must be present; throws InputError naming the node otherwise.
const Tensor& input(const Node& node, const TensorRefs& inputs, std::size_t i);
// The elements of an int64 (or any) tensor as int64 values.
std::vector<std::int64_t> to_int64s(const Tensor& t);
// Resolves a possibly negative axis; throws InputError naming the node.
std::size_t norm_axis(const Node& node, std::int64_t axis, std::size_t rank);
// Row-major strides of dims.
std::vector<std::size_t> strides_of(const graph::Dims& dims);
[[noreturn]] void fail(const Node& node, const std::string& what);

// Applies fn(i) -> void for each output index, with the source index into each operand
// following NumPy broadcasting. Fast paths for equal shapes and scalars.
graph::Dims broadcast_dims(const Node& node, const graph::Dims& a, const graph::Dims& b);
std::vector<std::size_t> broadcast_index(const graph::Dims& from, const graph::Dims& to);

// Activation by name, in place on float32 data ("" = none, "Relu", "Gelu", "GeluTanh"),
// through golden/ref. Used by the fused kernels.
Tensor apply_activation(const Node& node, Tensor x, const std::string& activation);

}  // namespace tessera::runtime::ops
