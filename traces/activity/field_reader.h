#pragma once
// Strict reading of JSON model files: every error names the source file and the field's path.
#include <cmath>
#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"

namespace tessera::traces::activity {

// Reads one object's fields, naming the source and the field's path in every error, and
// rejecting keys it was not asked for (a misspelt key would otherwise be silently ignored).
class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::string source, std::string prefix)
      : object_(object), source_(std::move(source)), prefix_(std::move(prefix)) {
    if (!object_.is_object()) fail(prefix_.empty() ? "(top level)" : prefix_, "expected a JSON object");
  }

  [[noreturn]] void fail(const std::string& field, const std::string& expected) const {
    throw InputError(source_ + ": field '" + field + "': " + expected);
  }
  std::string path(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

  const nlohmann::json& get(const std::string& key) {
    used_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end()) fail(path(key), "missing");
    return *it;
  }
  std::string string(const std::string& key) {
    const nlohmann::json& value = get(key);
    if (!value.is_string()) fail(path(key), "expected a string, got " + value.dump());
    return value.get<std::string>();
  }
  double number(const std::string& key) {
    const nlohmann::json& value = get(key);
    if (!value.is_number() || !std::isfinite(value.get<double>()))
      fail(path(key), "expected a finite number, got " + value.dump());
    return value.get<double>();
  }
  std::uint64_t count(const std::string& key) {
    const nlohmann::json& value = get(key);
    if (!value.is_number_unsigned()) fail(path(key), "expected a non-negative integer, got " + value.dump());
    return value.get<std::uint64_t>();
  }
  const nlohmann::json& array(const std::string& key) {
    const nlohmann::json& value = get(key);
    if (!value.is_array()) fail(path(key), "expected an array, got " + value.dump());
    return value;
  }
  FieldReader object(const std::string& key) { return FieldReader(get(key), source_, path(key)); }
  void reject_unknown_keys() const {
    for (const auto& item : object_.items())
      if (!used_.count(item.key())) fail(path(item.key()), "unexpected key (misspelt, or from a newer version?)");
  }

 private:
  const nlohmann::json& object_;
  std::string source_, prefix_;
  std::set<std::string> used_;
};

}  // namespace tessera::traces::activity
