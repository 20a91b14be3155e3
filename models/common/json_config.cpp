#include "models/common/json_config.h"

#include <fstream>
#include <sstream>

#include "golden/common/error.h"

namespace tessera::models {

Json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": cannot open");
  try {
    return Json::parse(in);
  } catch (const Json::parse_error& e) {
    throw InputError(path.string() + ": invalid JSON: " + e.what());
  }
}

ConfigReader::ConfigReader(const Json& object, std::string where)
    : object_(object), where_(std::move(where)) {
  if (!object_.is_object()) {
    throw InputError(where_ + ": expected a JSON object, got " + std::string(object_.type_name()));
  }
}

const Json* ConfigReader::find(const std::string& key) {
  known_.insert(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

std::uint64_t ConfigReader::uint_in(const std::string& key, std::uint64_t fallback,
                                    std::uint64_t min, std::uint64_t max) {
  const Json* v = find(key);
  if (v == nullptr) return fallback;
  const bool integral = v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0);
  if (!integral || v->get<std::uint64_t>() < min || v->get<std::uint64_t>() > max) {
    std::ostringstream m;
    m << path(key) << ": expected an integer in [" << min << ", " << max << "], got " << v->dump();
    throw ConfigError(m.str());
  }
  return v->get<std::uint64_t>();
}

double ConfigReader::number_in(const std::string& key, double fallback, double min, double max) {
  const Json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_number() || !(v->get<double>() >= min) || !(v->get<double>() <= max)) {
    std::ostringstream m;
    m << path(key) << ": expected a number in [" << min << ", " << max << "], got " << v->dump();
    throw ConfigError(m.str());
  }
  return v->get<double>();
}

std::string ConfigReader::string_of(const std::string& key, const std::string& fallback) {
  const Json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) throw ConfigError(path(key) + ": expected a string, got " + v->dump());
  return v->get<std::string>();
}

std::string ConfigReader::choice(const std::string& key, const std::string& fallback,
                                 const std::set<std::string>& allowed) {
  std::string value = string_of(key, fallback);
  if (allowed.count(value) == 0) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw ConfigError(path(key) + ": expected one of {" + list + "}, got \"" + value + "\"");
  }
  return value;
}

bool ConfigReader::flag(const std::string& key, bool fallback) {
  const Json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) throw ConfigError(path(key) + ": expected true or false, got " + v->dump());
  return v->get<bool>();
}

const Json* ConfigReader::child(const std::string& key) {
  const Json* v = find(key);
  if (v != nullptr && !v->is_object()) {
    throw ConfigError(path(key) + ": expected an object, got " + v->dump());
  }
  return v;
}

void ConfigReader::finish() const {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (known_.count(it.key()) == 0) {
      std::string list;
      for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
      throw ConfigError(path(it.key()) + ": unknown key; known keys: " + list);
    }
  }
}

}  // namespace tessera::models
