#pragma once
// The operators the runtime supports — the one list the loader checks models against — and the
// static shape inference of our own for each. An operator is identified by (domain, op_type) and
// supported for a range of ONNX schema versions (`since_version` of the node's schema, resolved by
// the loader from the model's opset imports): a model using a newer version of an op whose meaning
// changed is rejected by name and version rather than run with the wrong semantics.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/graph/ir.h"

namespace tessera::graph {

// What shape inference knows about a node's inputs.
struct InferenceContext {
  const Node& node;
  std::vector<std::optional<TensorType>> input_types;  // nullopt: absent or unknown
  std::vector<const Tensor*> input_values;             // non-null when the input is a constant
  // For 1-D int64 inputs computed from shapes (Shape of a value with symbolic extents): the
  // entries known statically, -1 elsewhere. May be shorter than the inputs (then: none known).
  std::vector<std::optional<Dims>> input_shape_values = {};
};

// One entry per output; nullopt where nothing is known.
using InferFn = std::function<std::vector<std::optional<TensorType>>(const InferenceContext&)>;

struct OpSchema {
  std::string domain;
  std::string op_type;
  int min_version = 1;   // schema versions supported: min_version <= since_version <= max_version
  int max_version = 1;
  InferFn infer;
  std::string summary;   // what the runtime implements, e.g. "2-D only (NCHW)"
};

// The schema covering (domain, op_type, since_version), or nullptr.
const OpSchema* find_op_schema(const std::string& domain, const std::string& op_type,
                               int since_version);
// Whether any version of (domain, op_type) is supported.
bool op_known(const std::string& domain, const std::string& op_type);
// Every supported operator.
const std::vector<OpSchema>& supported_ops();

}  // namespace tessera::graph
