// Header validation: every field is checked and the error names the file and the field.
#include <gtest/gtest.h>

#include <functional>

#include "tests/support/scratch_dir.h"
#include "tests/traces/format/trace_fixtures.h"

namespace tessera::traces {
namespace {

using nlohmann::json;
using test::approx_header;

// Expects header_from_json to throw an InputError whose message names the source and `field`.
void expect_field_error(const json& document, const std::string& field) {
  try {
    header_from_json(document, "layer.ttrace");
    ADD_FAILURE() << "accepted a header with a bad '" << field << "': " << document.dump();
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("layer.ttrace"), std::string::npos) << message;
    EXPECT_NE(message.find("'" + field + "'"), std::string::npos) << message;
  }
}

json valid_document() { return header_to_json(approx_header()); }

TEST(TraceHeader, JsonRoundTripIsLossless) {
  const json document = valid_document();
  EXPECT_EQ(document["format"], "tessera-trace");
  EXPECT_EQ(document["version"], 1);
  EXPECT_EQ(header_to_json(header_from_json(document, "x")), document);
}

TEST(TraceHeader, EveryRequiredFieldMissingIsNamed) {
  for (const std::string field : {"format", "version", "producer", "tessera_version", "network",
                                  "layer", "unit", "dataflow", "seed", "arrays", "meta"}) {
    json document = valid_document();
    document.erase(field);
    expect_field_error(document, field);
  }
  for (const std::string field : {"family", "config"}) {
    json document = valid_document();
    document["unit"].erase(field);
    expect_field_error(document, "unit." + field);
  }
  for (const std::string field : {"name", "description"}) {
    json document = valid_document();
    document["dataflow"].erase(field);
    expect_field_error(document, "dataflow." + field);
  }
  for (const std::string field : {"name", "dtype", "record_shape", "description"}) {
    json document = valid_document();
    document["arrays"][1].erase(field);
    expect_field_error(document, "arrays[1]." + field);
  }
}

TEST(TraceHeader, WrongValuesAreNamed) {
  const std::vector<std::pair<std::function<void(json&)>, std::string>> cases = {
      {[](json& d) { d["format"] = "npy"; }, "format"},
      {[](json& d) { d["version"] = 2; }, "version"},
      {[](json& d) { d["producer"] = ""; }, "producer"},
      {[](json& d) { d["network"] = 7; }, "network"},
      {[](json& d) { d["layer"] = ""; }, "layer"},
      {[](json& d) { d["unit"]["family"] = ""; }, "unit.family"},
      {[](json& d) { d["unit"]["config"] = json::array(); }, "unit.config"},
      {[](json& d) { d["unit"] = "approx"; }, "unit"},
      {[](json& d) { d["dataflow"]["name"] = ""; }, "dataflow.name"},
      {[](json& d) { d["seed"] = -1; }, "seed"},
      {[](json& d) { d["seed"] = 1.5; }, "seed"},
      {[](json& d) { d["arrays"] = json::array(); }, "arrays"},
      {[](json& d) { d["arrays"] = json::object(); }, "arrays"},
      {[](json& d) { d["arrays"][0]["dtype"] = "int4"; }, "arrays[0].dtype"},
      {[](json& d) {
         d["arrays"][0]["record_shape"] = {3, 0};
       },
       "arrays[0].record_shape[1]"},
      {[](json& d) { d["arrays"][0]["record_shape"] = {-3}; }, "arrays[0].record_shape[0]"},
      {[](json& d) { d["arrays"][0]["record_shape"] = 3; }, "arrays[0].record_shape"},
      {[](json& d) {
         d["arrays"][0]["record_shape"] = {1u << 20, 1u << 20};
       },
       "arrays[0].record_shape"},
      {[](json& d) { d["arrays"][2]["name"] = "tiles"; }, "arrays[2].name"},
      {[](json& d) { d["arrays"][2]["name"] = "a b"; }, "arrays[2].name"},
      {[](json& d) { d["meta"] = "notes"; }, "meta"},
      {[](json& d) { d["producr"] = "typo"; }, "producr"},
      {[](json& d) { d["arrays"][0]["shape"] = {3}; }, "arrays[0].shape"},
  };
  for (const auto& [damage, field] : cases) {
    json document = valid_document();
    damage(document);
    expect_field_error(document, field);
  }
}

TEST(TraceHeader, DtypeListMatchesTheFormat) {
  const std::vector<std::pair<std::string, std::size_t>> expected = {
      {"int8", 1},   {"uint8", 1}, {"int16", 2},   {"uint16", 2}, {"int32", 4},
      {"uint32", 4}, {"int64", 8}, {"float32", 4}, {"float64", 8}};
  for (const auto& [name, size] : expected) {
    DType dtype{};
    ASSERT_TRUE(parse_dtype(name, dtype)) << name;
    EXPECT_EQ(dtype_name(dtype), name);
    EXPECT_EQ(dtype_size(dtype), size) << name;
  }
  DType dtype{};
  EXPECT_FALSE(parse_dtype("uint64", dtype));
  EXPECT_FALSE(parse_dtype("bfloat16", dtype));
}

TEST(TraceHeader, WriterRefusesAnInvalidHeaderBeforeCreatingAFile) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("bad.ttrace");
  TraceHeader header = approx_header();
  header.layer.clear();
  try {
    TraceWriter writer(path, header);
    FAIL() << "writer accepted an empty layer";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("'layer'"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(TraceHeader, InvalidUtf8IsAnInputError) {
  tessera::test::ScratchDir dir;
  TraceHeader header = approx_header();
  header.network = "net\xff";
  EXPECT_THROW(TraceWriter(dir.file("u.ttrace"), header), InputError);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace tessera::traces
