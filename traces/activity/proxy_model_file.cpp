#include "traces/activity/proxy_model_file.h"

#include <filesystem>
#include <set>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "golden/io/npy.h"
#include "traces/activity/field_reader.h"
#include "traces/activity/model_header.h"

namespace tessera::traces::activity {
namespace fs = std::filesystem;
using nlohmann::json;

std::string proxy_table_path(const std::string& json_path) {
  fs::path path(json_path);
  const std::string stem = path.extension() == ".json" ? path.stem().string() : path.filename().string();
  return (path.parent_path() / (stem + ".proxies.npy")).string();
}

void save_proxy_model(const ProxyEnergyModel& model, const std::string& json_path, const json& held_out) {
  const std::string table_path = proxy_table_path(json_path);
  npy::save(table_path, npy::make_array<std::uint64_t>({kOperandPairs}, model.table()));
  json document = model_header_to_json(kProxyModelFileFormat, kProxyModelFileVersion, model.metadata());
  document["intercept_pj"] = model.intercept_pj();
  document["proxy_nets"] = model.proxy_nets();
  document["coefficients_pj"] = model.coefficients_pj();
  document["table"] = fs::path(table_path).filename().string();
  if (held_out.is_object()) document["held_out"] = held_out;
  io::write_file_atomically(json_path, document.dump(2) + "\n");
}

namespace {

std::vector<std::uint64_t> load_table(const std::string& path, std::size_t proxies) {
  if (!fs::exists(path)) throw InputError(path + ": proxy table not found (expected a .npy file beside the model)");
  const npy::Array array = npy::load(path);
  if (array.dtype != npy::DType::uint64) {
    throw InputError(path + ": dtype: expected uint64, got " + std::string(npy::dtype_name(array.dtype)));
  }
  if (array.shape != std::vector<std::size_t>{kOperandPairs}) {
    throw InputError(path + ": shape: expected (" + std::to_string(kOperandPairs) + ",), got " +
                     npy::shape_to_string(array.shape));
  }
  std::vector<std::uint64_t> table = array.to_vector<std::uint64_t>();
  const std::uint64_t used = proxies == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << proxies) - 1;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if ((table[i] & ~used) != 0) {
      throw InputError(path + ": entry " + std::to_string(i) + ": sets a bit beyond the model's " +
                       std::to_string(proxies) + " proxy nets");
    }
  }
  return table;
}

}  // namespace

ProxyEnergyModel proxy_model_from_json(const json& document, const std::string& source, const std::string& json_folder) {
  FieldReader top(document, source, "");
  ModelMetadata meta = model_header_from_json(top, kProxyModelFileFormat, kProxyModelFileVersion);
  const double intercept_pj = top.number("intercept_pj");

  std::vector<std::string> names;
  std::set<std::string> seen;
  const json& name_array = top.array("proxy_nets");
  if (name_array.size() > kMaxProxies)
    top.fail("proxy_nets", "has " + std::to_string(name_array.size()) + " entries, expected at most " + std::to_string(kMaxProxies));
  for (std::size_t i = 0; i < name_array.size(); ++i) {
    const std::string field = "proxy_nets[" + std::to_string(i) + "]";
    if (!name_array[i].is_string() || name_array[i].get<std::string>().empty())
      top.fail(field, "expected a non-empty string, got " + name_array[i].dump());
    std::string name = name_array[i].get<std::string>();
    if (!seen.insert(name).second) top.fail(field, "net '" + name + "' is listed twice");
    names.push_back(std::move(name));
  }
  std::vector<double> coefficients;
  const json& coefficient_array = top.array("coefficients_pj");
  if (coefficient_array.size() != names.size())
    top.fail("coefficients_pj", "has " + std::to_string(coefficient_array.size()) +
                                    " entries, expected one per proxy_nets entry (" + std::to_string(names.size()) + ")");
  for (std::size_t i = 0; i < coefficient_array.size(); ++i) {
    const json& value = coefficient_array[i];
    if (!value.is_number() || !std::isfinite(value.get<double>()))
      top.fail("coefficients_pj[" + std::to_string(i) + "]", "expected a finite number, got " + value.dump());
    coefficients.push_back(value.get<double>());
  }
  const std::string table_name = top.string("table");
  if (table_name.empty() || fs::path(table_name).filename().string() != table_name)
    top.fail("table", "expected a file name in the model's folder, got \"" + table_name + "\"");
  if (auto held_out = document.find("held_out"); held_out != document.end()) {
    if (!top.get("held_out").is_object()) top.fail("held_out", "expected a JSON object");
  }
  top.reject_unknown_keys();
  std::vector<std::uint64_t> table = load_table((fs::path(json_folder) / table_name).string(), names.size());
  return ProxyEnergyModel(std::move(names), intercept_pj, std::move(coefficients), std::move(table), std::move(meta));
}

ProxyEnergyModel load_proxy_model(const std::string& json_path) {
  const std::string text = io::read_file(json_path);
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& error) {
    throw InputError(json_path + ": not valid JSON (" + error.what() + "); expected a proxy energy model file");
  }
  return proxy_model_from_json(document, json_path, fs::path(json_path).parent_path().string());
}

}  // namespace tessera::traces::activity
