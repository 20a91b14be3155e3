#include "golden/approx/catalog.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "golden/approx/lut_file.h"
#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "golden/io/atomic_file.h"

namespace tessera::approx {
namespace {

constexpr const char* kIndexPath = "golden/approx/tables/index.json";

double number_field(const nlohmann::ordered_json& circuit, const std::string& name, const char* field) {
  if (!circuit.contains(field) || !circuit.at(field).is_number()) {
    throw InputError(std::string(kIndexPath) + ": circuit '" + name + "' field '" + field +
                     "': expected a number");
  }
  return circuit.at(field).get<double>();
}

std::vector<BundledMultiplier> read_index() {
  const std::string path = data_path(kIndexPath).string();
  nlohmann::ordered_json index;  // keeps the file's order of circuits
  try {
    index = nlohmann::ordered_json::parse(io::read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
  if (!index.contains("circuits") || !index.at("circuits").is_object()) {
    throw InputError(path + ": field 'circuits': expected an object of circuits");
  }
  std::vector<BundledMultiplier> out;
  for (const auto& [name, c] : index.at("circuits").items()) {
    BundledMultiplier m;
    m.name = name;
    m.file = c.value("file", name + ".lut");
    m.mae = number_field(c, name, "mae");
    m.wce = number_field(c, name, "wce");
    m.ep_percent = number_field(c, name, "ep_percent");
    m.mre_percent = number_field(c, name, "mre_percent");
    m.wcre_percent = number_field(c, name, "wcre_percent");
    m.mse = number_field(c, name, "mse");
    m.power_mw_pdk45 = number_field(c, name, "power_mw_pdk45");
    m.area_um2_pdk45 = number_field(c, name, "area_um2_pdk45");
    m.delay_ns_pdk45 = number_field(c, name, "delay_ns_pdk45");
    m.symmetric = c.value("symmetric", true);
    m.exact = c.value("exact", false);
    m.reference = c.value("reference", std::string{});
    out.push_back(std::move(m));
  }
  return out;
}

std::string accepted_names() {
  std::string list;
  for (const auto& m : bundled_multipliers()) list += m.name + ", ";
  return list +
         "exact, trunc<k> (k 0..7), bam_h<h>_v<v> (h 0..7, v 0..7), drum<k> (k 3..8), mitchell, "
         "or a path to a .lut file";
}

}  // namespace

const std::vector<BundledMultiplier>& bundled_multipliers() {
  static const std::vector<BundledMultiplier> all = read_index();
  return all;
}

std::optional<BundledMultiplier> find_bundled(std::string_view name) {
  for (const auto& m : bundled_multipliers()) {
    if (m.name == name) return m;
  }
  return std::nullopt;
}

std::vector<std::string> parametric_multiplier_names() {
  return {"exact", "trunc4", "trunc6", "trunc7", "bam_h2_v6", "bam_h4_v7", "bam_h7_v0",
          "drum3", "drum4", "drum6", "mitchell"};
}

MultiplierDesign parse_multiplier_name(std::string_view name_view) {
  const std::string name(name_view);
  MultiplierDesign d;
  d.name = name;
  if (const auto bundled = find_bundled(name)) {
    d.kind = MultiplierDesign::Kind::bundled;
    d.path = data_path("golden/approx/tables/" + bundled->file).string();
    return d;
  }
  std::smatch match;
  if (name == "exact") {
    d.kind = MultiplierDesign::Kind::exact;
    d.array = exact_array();
    return d;
  }
  if (name == "mitchell") {
    d.kind = MultiplierDesign::Kind::mitchell;
    return d;
  }
  if (std::regex_match(name, match, std::regex("trunc([0-9]{1,2})"))) {
    d.kind = MultiplierDesign::Kind::truncated;
    d.k = std::stoi(match[1]);
    d.array = truncated_array(d.k);
    return d;
  }
  if (std::regex_match(name, match, std::regex("bam_h([0-9]{1,2})_v([0-9]{1,2})"))) {
    d.kind = MultiplierDesign::Kind::broken_array;
    d.h = std::stoi(match[1]);
    d.v = std::stoi(match[2]);
    d.array = broken_array(d.h, d.v);
    return d;
  }
  if (std::regex_match(name, match, std::regex("drum([0-9]{1,2})"))) {
    d.kind = MultiplierDesign::Kind::drum;
    d.k = std::stoi(match[1]);
    if (d.k < 3 || d.k > 8) drum_multiplier(d.k);  // throws the range error
    return d;
  }
  const bool looks_like_path = name.find('/') != std::string::npos ||
                               (name.size() > 4 && name.compare(name.size() - 4, 4, ".lut") == 0);
  if (looks_like_path) {
    d.kind = MultiplierDesign::Kind::lut_file;
    d.path = name;
    d.name = std::filesystem::path(name).stem().string();
    return d;
  }
  throw ConfigError("multiplier '" + name + "': unknown name; expected one of: " + accepted_names());
}

MultiplierTable load_multiplier(std::string_view name) {
  const MultiplierDesign d = parse_multiplier_name(name);
  switch (d.kind) {
    case MultiplierDesign::Kind::bundled: return read_lut_file(d.path, d.name);
    case MultiplierDesign::Kind::lut_file: return read_lut_file(d.path);
    case MultiplierDesign::Kind::exact:
    case MultiplierDesign::Kind::truncated:
    case MultiplierDesign::Kind::broken_array: return array_multiplier(d.name, d.array);
    case MultiplierDesign::Kind::drum: return drum_multiplier(d.k);
    case MultiplierDesign::Kind::mitchell: return mitchell_multiplier();
  }
  throw ConfigError("multiplier '" + std::string(name) + "': unhandled design kind");
}

}  // namespace tessera::approx
