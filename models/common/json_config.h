#pragma once
// Typed configuration from JSON with the key path in every error.
//
//   ConfigReader r(json, "config.array");        // InputError unless an object
//   auto rows = r.uint_in("rows", 8, 1, 4096);    // "config.array.rows: expected an integer in [1, 4096], got 0"
//   r.finish();                                   // unknown keys are errors ("config.array.colz: unknown key; known: ...")
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace tessera::models {

using Json = nlohmann::json;

// Parses a JSON file; InputError naming the path for a missing file or a syntax error.
Json read_json_file(const std::filesystem::path& path);

class ConfigReader {
 public:
  // `where` is the key path of `object` ("config", "config.shell.dram"). InputError unless an object.
  ConfigReader(const Json& object, std::string where);

  // Optional keys with defaults and ranges; a wrong type or value throws ConfigError with the path.
  std::uint64_t uint_in(const std::string& key, std::uint64_t fallback, std::uint64_t min,
                        std::uint64_t max);
  double number_in(const std::string& key, double fallback, double min, double max);
  std::string string_of(const std::string& key, const std::string& fallback);
  // A string key that must be one of `allowed`.
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::set<std::string>& allowed);
  bool flag(const std::string& key, bool fallback);
  // A child object (nullptr when absent); marks the key as read.
  const Json* child(const std::string& key);

  std::string path(const std::string& key) const { return where_ + "." + key; }
  const std::string& where() const { return where_; }
  // ConfigError for every key that was never asked for.
  void finish() const;

 private:
  const Json* find(const std::string& key);
  const Json& object_;
  std::string where_;
  std::set<std::string> known_;
};

}  // namespace tessera::models
