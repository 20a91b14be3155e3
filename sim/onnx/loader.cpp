#include "sim/onnx/loader.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "golden/common/error.h"
#include "sim/graph/shape_inference.h"
#include "sim/graph/validate.h"

namespace tessera::onnx {
namespace {

namespace fs = std::filesystem;
using graph::DType;
using graph::Dims;
using graph::Tensor;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::optional<DType> to_dtype(int data_type) {
  switch (data_type) {
    case ::onnx::TensorProto::FLOAT: return DType::float32;
    case ::onnx::TensorProto::INT64: return DType::int64;
    case ::onnx::TensorProto::BOOL: return DType::boolean;
    default: return std::nullopt;
  }
}

std::size_t element_bytes(DType dtype) {
  switch (dtype) {
    case DType::float32: return 4;
    case DType::int64: return 8;
    case DType::boolean: return 1;
  }
  return 0;
}

// Fills a tensor of `dtype`/`dims` from little-endian bytes.
Tensor from_bytes(DType dtype, const Dims& dims, const char* data) {
  Tensor t(dtype, dims);
  const std::size_t n = t.size();
  switch (dtype) {
    case DType::float32: if (n) std::memcpy(t.floats().data(), data, n * 4); break;
    case DType::int64: if (n) std::memcpy(t.int64s().data(), data, n * 8); break;
    case DType::boolean:
      for (std::size_t i = 0; i < n; ++i) t.bools()[i] = data[i] != 0;
      break;
  }
  return t;
}

// `where` names the file and field, e.g. "m.onnx: graph.initializer['w']".
Tensor convert_tensor(const ::onnx::TensorProto& proto, const std::string& where,
                      const std::string& base_dir) {
  const auto dtype = to_dtype(proto.data_type());
  if (!dtype) {
    throw InputError(where + ".data_type: element type " + onnx_dtype_name(proto.data_type()) +
                     " is not supported (FLOAT, INT64 and BOOL are)");
  }
  Dims dims(proto.dims().begin(), proto.dims().end());
  for (std::int64_t d : dims) {
    if (d < 0) throw InputError(where + ".dims: negative extent in " + graph::dims_to_string(dims));
  }
  const auto count = static_cast<std::size_t>(graph::dims_element_count(dims));
  const std::size_t bytes = count * element_bytes(*dtype);
  const std::string type_text = graph::dtype_name(*dtype) + " " + graph::dims_to_string(dims);

  if (proto.data_location() == ::onnx::TensorProto::EXTERNAL) {
    std::string location;
    std::int64_t offset = 0, length = -1;
    for (const auto& entry : proto.external_data()) {
      try {
        if (entry.key() == "location") location = entry.value();
        else if (entry.key() == "offset") offset = std::stoll(entry.value());
        else if (entry.key() == "length") length = std::stoll(entry.value());
      } catch (const std::exception&) {
        throw InputError(where + ".external_data['" + entry.key() + "']: '" + entry.value() +
                         "' is not an integer");
      }
    }
    if (location.empty()) throw InputError(where + ".external_data: no 'location' entry");
    const fs::path rel(location);
    if (rel.is_absolute() || location.find("..") != std::string::npos) {
      throw InputError(where + ".external_data['location']: '" + location +
                       "' must be a relative path inside the model's folder");
    }
    const fs::path file = fs::path(base_dir) / rel;
    std::error_code ec;
    const auto file_size = fs::file_size(file, ec);
    if (ec) {
      throw InputError(where + ".external_data['location']: external data file '" + file.string() +
                       "' cannot be read: " + ec.message());
    }
    if (offset < 0) throw InputError(where + ".external_data['offset']: negative offset");
    if (length >= 0 && static_cast<std::size_t>(length) != bytes) {
      throw InputError(where + ".external_data['length']: " + std::to_string(length) +
                       " bytes, but " + type_text + " needs " + std::to_string(bytes));
    }
    if (static_cast<std::uintmax_t>(offset) + bytes > file_size) {
      throw InputError(where + ".external_data: bytes [" + std::to_string(offset) + ", " +
                       std::to_string(offset + static_cast<std::int64_t>(bytes)) + ") lie beyond the end of '" +
                       file.string() + "' (" + std::to_string(file_size) + " bytes)");
    }
    std::ifstream in(file, std::ios::binary);
    std::string data(bytes, '\0');
    in.seekg(offset);
    in.read(data.data(), static_cast<std::streamsize>(bytes));
    if (!in) throw InputError(where + ".external_data: reading '" + file.string() + "' failed");
    return from_bytes(*dtype, dims, data.data());
  }

  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != bytes) {
      throw InputError(where + ".raw_data: expected " + std::to_string(bytes) + " bytes for " +
                       type_text + ", got " + std::to_string(proto.raw_data().size()));
    }
    return from_bytes(*dtype, dims, proto.raw_data().data());
  }
  auto check = [&](std::size_t got, const char* field) {
    if (got != count) {
      throw InputError(where + "." + field + ": expected " + std::to_string(count) +
                       " values for " + type_text + ", got " + std::to_string(got));
    }
  };
  switch (*dtype) {
    case DType::float32:
      check(static_cast<std::size_t>(proto.float_data_size()), "float_data");
      return Tensor::from_floats(dims, std::vector<float>(proto.float_data().begin(), proto.float_data().end()));
    case DType::int64:
      check(static_cast<std::size_t>(proto.int64_data_size()), "int64_data");
      return Tensor::from_int64s(dims, std::vector<std::int64_t>(proto.int64_data().begin(), proto.int64_data().end()));
    case DType::boolean: {
      check(static_cast<std::size_t>(proto.int32_data_size()), "int32_data");
      std::vector<std::uint8_t> v(count);
      for (std::size_t i = 0; i < count; ++i) v[i] = proto.int32_data(static_cast<int>(i)) != 0;
      return Tensor::from_bools(dims, v);
    }
  }
  return Tensor();
}

graph::TensorType convert_type(const ::onnx::ValueInfoProto& vi, const std::string& where) {
  if (!vi.type().has_tensor_type()) {
    throw InputError(where + ".type: only tensor values are supported (not sequences, maps or optionals)");
  }
  const auto& tt = vi.type().tensor_type();
  const auto dtype = to_dtype(tt.elem_type());
  if (!dtype) {
    throw InputError(where + ".type.tensor_type.elem_type: element type " +
                     onnx_dtype_name(tt.elem_type()) + " is not supported (FLOAT, INT64 and BOOL are)");
  }
  graph::TensorType type{*dtype, std::nullopt};
  if (tt.has_shape()) {
    Dims dims;
    for (const auto& d : tt.shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
    type.dims = dims;
  }
  return type;
}

graph::Attribute convert_attribute(const ::onnx::AttributeProto& a, const std::string& where,
                                   const std::string& base_dir) {
  using A = ::onnx::AttributeProto;
  switch (a.type()) {
    case A::FLOAT: return graph::Attribute(a.f());
    case A::INT: return graph::Attribute(static_cast<std::int64_t>(a.i()));
    case A::STRING: return graph::Attribute(a.s());
    case A::TENSOR: return graph::Attribute(convert_tensor(a.t(), where + ".t", base_dir));
    case A::FLOATS: return graph::Attribute(std::vector<float>(a.floats().begin(), a.floats().end()));
    case A::INTS: return graph::Attribute(std::vector<std::int64_t>(a.ints().begin(), a.ints().end()));
    case A::STRINGS:
      return graph::Attribute(std::vector<std::string>(a.strings().begin(), a.strings().end()));
    default:
      throw InputError(where + ".type: attribute kind " + std::to_string(a.type()) +
                       " (graph, sparse tensor or type proto) is not supported");
  }
}

// The schema version a node follows: resolved through ONNX's registry for the domains it knows,
// else the model's opset version for the domain.
int resolve_since_version(const std::string& domain, const std::string& op_type, int opset) {
  const std::string d = domain == "ai.onnx" ? "" : domain;
  if (const auto* schema = ::onnx::OpSchemaRegistry::Schema(op_type, opset, d)) {
    return schema->since_version();
  }
  return opset;
}

OnnxModel convert(const ::onnx::ModelProto& model, const std::string& source,
                  const std::string& base_dir, const LoadOptions& options) {
  OnnxModel result;
  result.ir_version = model.ir_version();
  result.producer = model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version());
  graph::Graph& g = result.graph;
  g.source = source;
  if (!model.has_graph()) throw InputError(source + ": graph: the model has no graph");
  const auto& gp = model.graph();
  g.name = gp.name();
  for (const auto& op : model.opset_import()) {
    const std::string d = op.domain() == "ai.onnx" ? "" : op.domain();
    g.opset_imports[d] = op.version();
  }
  if (model.opset_import_size() == 0) {
    throw InputError(source + ": opset_import: the model imports no operator set");
  }

  // Initializers.
  for (int i = 0; i < gp.initializer_size(); ++i) {
    const auto& t = gp.initializer(i);
    const std::string where = source + ": graph.initializer['" + t.name() + "']";
    if (t.name().empty()) throw InputError(source + ": graph.initializer[" + std::to_string(i) + "]: no name");
    if (g.initializers.count(t.name())) throw InputError(where + ": defined twice");
    g.initializers.emplace(t.name(), convert_tensor(t, where, base_dir));
  }
  if (gp.sparse_initializer_size() > 0) {
    throw InputError(source + ": graph.sparse_initializer: sparse initializers are not supported");
  }
  // Graph inputs; an input that is also an initializer (IR < 4 style) is a weight, not an input.
  for (const auto& vi : gp.input()) {
    const std::string where = source + ": graph.input['" + vi.name() + "']";
    auto type = convert_type(vi, where);
    auto init = g.initializers.find(vi.name());
    if (init != g.initializers.end()) {
      if (init->second.dtype() != type.dtype) {
        throw InputError(where + ": declared " + graph::type_to_string(type) +
                         " but its initializer is " + graph::dtype_name(init->second.dtype()));
      }
      continue;
    }
    g.inputs.push_back({vi.name(), type});
  }
  for (const auto& vi : gp.output()) {
    g.outputs.push_back({vi.name(), convert_type(vi, source + ": graph.output['" + vi.name() + "']")});
  }
  for (const auto& vi : gp.value_info()) {
    if (!vi.type().has_tensor_type()) continue;
    g.value_types[vi.name()] = convert_type(vi, source + ": graph.value_info['" + vi.name() + "']");
  }
  // Nodes, with stable unique names: the file's, else "<op>_<index>".
  std::set<std::string> used;
  for (const auto& np : gp.node()) if (!np.name().empty()) used.insert(np.name());
  std::set<std::string> taken;
  for (int i = 0; i < gp.node_size(); ++i) {
    const auto& np = gp.node(i);
    graph::Node node;
    std::string name = np.name();
    if (name.empty() || taken.count(name)) {
      const std::string base = (name.empty() ? np.op_type() : name) + "_" + std::to_string(i);
      name = base;
      for (int k = 1; used.count(name) || taken.count(name); ++k) name = base + "_" + std::to_string(k);
    }
    taken.insert(name);
    node.name = name;
    node.op_type = np.op_type();
    node.domain = np.domain() == "ai.onnx" ? "" : np.domain();
    auto opset = g.opset_imports.find(node.domain);
    if (opset == g.opset_imports.end()) {
      throw InputError(source + ": graph.node[" + std::to_string(i) + "] ('" + name + "', " +
                       np.op_type() + "): domain '" + node.domain + "' is not in opset_import");
    }
    node.since_version = resolve_since_version(node.domain, node.op_type, static_cast<int>(opset->second));
    node.inputs.assign(np.input().begin(), np.input().end());
    node.outputs.assign(np.output().begin(), np.output().end());
    for (const auto& a : np.attribute()) {
      const std::string where = source + ": graph.node['" + name + "'].attribute['" + a.name() + "']";
      node.attributes.emplace(a.name(), convert_attribute(a, where, base_dir));
    }
    g.nodes.push_back(std::move(node));
  }
  return result;
}

// Our own op-support check on the raw protobuf, before the checker: all unsupported ops in one
// message (the checker would stop at the first op unknown to ONNX).
void check_supported(const ::onnx::ModelProto& model, const std::string& source) {
  graph::Graph g;
  g.source = source;
  std::map<std::string, std::int64_t> opsets;
  for (const auto& op : model.opset_import()) opsets[op.domain() == "ai.onnx" ? "" : op.domain()] = op.version();
  for (int i = 0; i < model.graph().node_size(); ++i) {
    const auto& np = model.graph().node(i);
    graph::Node node;
    node.name = np.name().empty() ? np.op_type() + "_" + std::to_string(i) : np.name();
    node.op_type = np.op_type();
    node.domain = np.domain() == "ai.onnx" ? "" : np.domain();
    auto it = opsets.find(node.domain);
    if (it == opsets.end()) continue;  // reported by convert() with the field
    node.since_version = resolve_since_version(node.domain, node.op_type, static_cast<int>(it->second));
    g.nodes.push_back(std::move(node));
  }
  const auto unsupported = graph::unsupported_ops(g);
  if (!unsupported.empty()) {
    std::string msg = source + ": graph.node: " + std::to_string(unsupported.size()) +
                      " unsupported operator" + (unsupported.size() > 1 ? "s" : "") + ": ";
    for (std::size_t i = 0; i < unsupported.size(); ++i) msg += (i ? "; " : "") + unsupported[i];
    throw InputError(msg);
  }
}

OnnxModel load_parsed(const ::onnx::ModelProto& model, const std::string& source,
                      const std::string& base_dir, const std::string* path, const LoadOptions& options) {
  check_supported(model, source);
  if (options.run_checker) {
    try {
      if (path) ::onnx::checker::check_model(*path);
      else ::onnx::checker::check_model(model);
    } catch (const std::exception& e) {
      throw InputError(source + ": ONNX checker: " + e.what());
    }
  }
  OnnxModel result = convert(model, source, base_dir, options);
  const auto& ranges = ::onnx::OpSchemaRegistry::DomainToVersionRange::Instance().LastReleaseVersionMap();
  for (const auto& [domain, version] : result.graph.opset_imports) {
    auto range = ranges.find(domain);
    if (range != ranges.end() && version > range->second) {
      result.warnings.push_back(source + ": opset_import: domain '" + domain + "' opset " +
                                std::to_string(version) + " is newer than this ONNX library knows (" +
                                std::to_string(range->second) +
                                "); operators resolve to their newest known version");
    }
  }
  graph::ValidateOptions vopts;
  vopts.unused_initializers = options.unused_initializers;
  graph::ValidationReport report = graph::validate(result.graph, vopts);
  result.warnings.insert(result.warnings.end(), report.warnings.begin(), report.warnings.end());
  if (options.infer_shapes) graph::infer_shapes(result.graph);
  return result;
}

}  // namespace

std::string onnx_dtype_name(int data_type) {
  if (::onnx::TensorProto_DataType_IsValid(data_type)) {
    return ::onnx::TensorProto_DataType_Name(static_cast<::onnx::TensorProto_DataType>(data_type));
  }
  return "unknown(" + std::to_string(data_type) + ")";
}

OnnxModel load_onnx(const std::string& path, const LoadOptions& options) {
  const std::string bytes = read_file(path);
  ::onnx::ModelProto model;
  if (bytes.empty()) throw InputError(path + ": the file is empty, not an ONNX model");
  if (!model.ParseFromString(bytes)) {
    throw InputError(path + ": not a valid ONNX ModelProto (protobuf parsing failed after reading " +
                     std::to_string(bytes.size()) + " bytes: truncated or corrupted file?)");
  }
  const std::string base_dir = fs::path(path).parent_path().string();
  return load_parsed(model, path, base_dir.empty() ? "." : base_dir, &path, options);
}

OnnxModel load_onnx_bytes(std::string_view bytes, const std::string& source_name,
                          const std::string& base_dir, const LoadOptions& options) {
  ::onnx::ModelProto model;
  if (bytes.empty()) throw InputError(source_name + ": no bytes, not an ONNX model");
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw InputError(source_name + ": not a valid ONNX ModelProto (protobuf parsing failed: "
                     "truncated or corrupted data?)");
  }
  return load_parsed(model, source_name, base_dir, nullptr, options);
}

NamedTensor load_tensor_pb(const std::string& path) {
  const std::string bytes = read_file(path);
  ::onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes)) {
    throw InputError(path + ": not a valid ONNX TensorProto (protobuf parsing failed)");
  }
  const std::string base_dir = fs::path(path).parent_path().string();
  return {proto.name(), convert_tensor(proto, path + ": tensor", base_dir)};
}

}  // namespace tessera::onnx
