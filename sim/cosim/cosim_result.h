#pragma once
// What one lock-step co-simulation found: the scoreboard of output bits and total cycles
// (models/cosim/scoreboard.h) plus each tile's edge count on both sides, since a total can hide
// compensating per-tile errors. Header-only so that test binaries linking only their own verilated
// models can use it.
#include <cstdint>
#include <vector>

#include "models/cosim/scoreboard.h"

namespace tessera::cosim {

struct TileCycles {
  std::uint64_t rtl = 0;    // clock edges the RTL took for the tile
  std::uint64_t model = 0;  // the timing model's cycles for the same tile
};

struct CosimResult {
  models::Scoreboard board;
  std::vector<TileCycles> tiles;

  std::uint64_t tile_cycle_mismatches() const {
    std::uint64_t n = 0;
    for (const TileCycles& t : tiles) n += t.rtl != t.model ? 1 : 0;
    return n;
  }
  // Any differing output bit or tile edge count fails the co-simulation.
  bool passed() const { return board.passed() && tile_cycle_mismatches() == 0; }

  // The scoreboard's report plus "per_tile" [{tile, cycles_rtl, cycles_model}],
  // "tile_cycle_mismatches", "first_mismatches" and "passed".
  models::Json to_json() const {
    models::Json j = board.report();
    j["tile_cycle_mismatches"] = tile_cycle_mismatches();
    j["passed"] = passed();
    models::Json per_tile = models::Json::array();
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      per_tile.push_back({{"tile", i}, {"cycles_rtl", tiles[i].rtl}, {"cycles_model", tiles[i].model}});
    }
    j["per_tile"] = per_tile;
    models::Json kept = models::Json::array();
    for (const models::Mismatch& m : board.kept()) {
      kept.push_back({{"tile", m.tile}, {"index", m.index}, {"what", m.what}, {"model", m.expected}, {"rtl", m.actual}});
    }
    j["first_mismatches"] = kept;
    return j;
  }
};

}  // namespace tessera::cosim
