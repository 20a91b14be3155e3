#pragma once
// ONNX models → the graph IR (sim/graph). Parsing and the official checker come from Debian's
// libonnx (ONNX 1.12) and protobuf; everything after — dtype and shape checks, opset-aware
// operator resolution, initializer decoding (raw_data, typed fields, external data), the
// every-weight-used check and shape inference — is ours. Every error is an InputError whose
// message starts with the file and names the field, e.g.
//   "net.onnx: graph.initializer['fc.weight'].raw_data: expected 400 bytes for float32 (10, 10), got 396".
#include <string>
#include <string_view>
#include <vector>

#include "sim/graph/ir.h"
#include "sim/graph/validate.h"

namespace tessera::onnx {

struct LoadOptions {
  // Run onnx::checker::check_model (the official structural check) and report its message.
  bool run_checker = true;
  // An initializer no node reads: an error by default (the file is not the model we think it is).
  graph::UnusedInitializerPolicy unused_initializers = graph::UnusedInitializerPolicy::error;
  // Run our shape inference and compare it with the types the file declares.
  bool infer_shapes = true;
};

struct OnnxModel {
  graph::Graph graph;
  std::vector<std::string> warnings;
  std::int64_t ir_version = 0;
  std::string producer;  // "pytorch 2.1.0"
};

// Loads `path`. External data files are resolved relative to the model's folder.
OnnxModel load_onnx(const std::string& path, const LoadOptions& options = {});

// Loads from bytes already in memory; `source_name` names the model in messages and
// `base_dir` is where external data files are looked up. The checker runs without a model folder.
OnnxModel load_onnx_bytes(std::string_view bytes, const std::string& source_name,
                          const std::string& base_dir, const LoadOptions& options = {});

// A serialized TensorProto file (the ONNX test-data input_N.pb / output_N.pb format).
struct NamedTensor {
  std::string name;
  graph::Tensor tensor;
};
NamedTensor load_tensor_pb(const std::string& path);

// The ONNX TensorProto.DataType names ("FLOAT", "INT64", ...), for messages.
std::string onnx_dtype_name(int data_type);

}  // namespace tessera::onnx
