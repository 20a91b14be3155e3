#pragma once
// Small helpers to write ONNX models in tests (with the protobuf classes of libonnx).
#include <onnx/onnx_pb.h>

#include <fstream>
#include <string>
#include <vector>

namespace tessera::test {

inline ::onnx::ModelProto make_model(int opset = 13) {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("tessera-test");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  m.mutable_graph()->set_name("test");
  return m;
}

inline void add_value(google::protobuf::RepeatedPtrField<::onnx::ValueInfoProto>* list, const std::string& name,
                      std::vector<std::int64_t> dims, int elem_type = ::onnx::TensorProto::FLOAT) {
  auto* v = list->Add();
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(elem_type);
  auto* shape = t->mutable_shape();
  for (auto d : dims) {
    if (d < 0) shape->add_dim()->set_dim_param("N");
    else shape->add_dim()->set_dim_value(d);
  }
}

inline ::onnx::NodeProto* add_node(::onnx::ModelProto& m, const std::string& op, std::vector<std::string> inputs,
                                 std::vector<std::string> outputs, const std::string& name = "") {
  auto* n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& i : inputs) n->add_input(i);
  for (auto& o : outputs) n->add_output(o);
  return n;
}

inline ::onnx::TensorProto* add_float_initializer(::onnx::ModelProto& m, const std::string& name,
                                                std::vector<std::int64_t> dims, const std::vector<float>& values,
                                                bool raw = true) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(::onnx::TensorProto::FLOAT);
  for (auto d : dims) t->add_dims(d);
  if (raw) t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  else for (float v : values) t->add_float_data(v);
  return t;
}

inline void save_model(const ::onnx::ModelProto& m, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  m.SerializeToOstream(&out);
}

inline void add_int_attr(::onnx::NodeProto* n, const std::string& name, std::int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::INT);
  a->set_i(v);
}

}  // namespace tessera::test
