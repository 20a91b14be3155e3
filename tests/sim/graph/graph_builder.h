#pragma once
// Builds small graphs directly in the IR for tests, and random tensors.
#include <random>
#include <string>
#include <vector>

#include "sim/graph/ir.h"

namespace tessera::test {

inline graph::Node make_node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                             std::vector<std::string> outputs, std::map<std::string, graph::Attribute> attrs = {},
                             int since_version = 13) {
  graph::Node n;
  n.name = name;
  n.op_type = op;
  n.since_version = since_version;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attributes = std::move(attrs);
  return n;
}

inline graph::Tensor random_tensor(graph::Dims dims, std::uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(static_cast<std::size_t>(graph::dims_element_count(dims)));
  for (float& x : v) x = dist(rng);
  return graph::Tensor::from_floats(std::move(dims), std::move(v));
}

inline graph::GraphValue value(const std::string& name, graph::Dims dims, graph::DType dtype = graph::DType::float32) {
  return {name, graph::TensorType{dtype, std::move(dims)}};
}

}  // namespace tessera::test
