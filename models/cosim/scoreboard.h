#pragma once
// Co-simulation scoreboard (in the style of ibex's cosim interface): the RTL side and the model
// side report what they produced; the scoreboard compares, collects every mismatch (keeping the
// first `max_kept` in full), and prints the one JSON object of `tessera cosim`:
//   {"tiles", "mismatches", "cycles_rtl", "cycles_model", "cycle_error_percent",
//    "rtl_seconds", "model_seconds"}
// Zero mismatches is the only pass; cycle_error_percent = 100 * |model - rtl| / rtl.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/json_config.h"

namespace tessera::models {

struct Mismatch {
  std::uint64_t tile = 0;
  std::uint64_t index = 0;  // flat output index (row * N + column)
  std::string what;         // "value", "cycles"
  std::string expected;     // model
  std::string actual;       // RTL
};

class Scoreboard {
 public:
  explicit Scoreboard(std::size_t max_kept = 16) : max_kept_(max_kept) {}

  // One result element: the model's value against the RTL's.
  template <typename T>
  void compare(std::uint64_t tile, std::uint64_t index, T model, T rtl) {
    ++compared_;
    if (!(model == rtl) && !(std::isnan(static_cast<double>(model)) && std::isnan(static_cast<double>(rtl)))) {
      add({tile, index, "value", std::to_string(model), std::to_string(rtl)});
    }
  }
  void add_tiles(std::uint64_t n) { tiles_ += n; }
  void add_cycles(std::uint64_t rtl, std::uint64_t model) {
    cycles_rtl_ += rtl;
    cycles_model_ += model;
  }
  void add_seconds(double rtl, double model) {
    rtl_seconds_ += rtl;
    model_seconds_ += model;
  }

  std::uint64_t mismatches() const { return mismatches_; }
  std::uint64_t compared() const { return compared_; }
  const std::vector<Mismatch>& kept() const { return kept_; }
  std::uint64_t cycles_rtl() const { return cycles_rtl_; }
  std::uint64_t cycles_model() const { return cycles_model_; }
  double cycle_error_percent() const {
    if (cycles_rtl_ == 0) return cycles_model_ == 0 ? 0.0 : 100.0;
    return 100.0 * std::fabs(static_cast<double>(cycles_model_) - static_cast<double>(cycles_rtl_)) /
           static_cast<double>(cycles_rtl_);
  }
  bool passed() const { return mismatches_ == 0; }

  Json report() const {
    Json j;
    j["tiles"] = tiles_;
    j["mismatches"] = mismatches_;
    j["cycles_rtl"] = cycles_rtl_;
    j["cycles_model"] = cycles_model_;
    j["cycle_error_percent"] = cycle_error_percent();
    j["rtl_seconds"] = rtl_seconds_;
    j["model_seconds"] = model_seconds_;
    return j;
  }

 private:
  void add(Mismatch m) {
    ++mismatches_;
    if (kept_.size() < max_kept_) kept_.push_back(std::move(m));
  }
  std::size_t max_kept_;
  std::vector<Mismatch> kept_;
  std::uint64_t mismatches_ = 0, compared_ = 0, tiles_ = 0, cycles_rtl_ = 0, cycles_model_ = 0;
  double rtl_seconds_ = 0.0, model_seconds_ = 0.0;
};

}  // namespace tessera::models
