#include "traces/liberty/library.h"

#include <algorithm>

namespace tessera::traces::liberty {

namespace {

// The grid segment [i, i+1] used for x, and x's position in it (outside [0, 1] when
// extrapolating beyond the first or last breakpoint).
struct Segment {
  std::size_t low = 0;
  double weight = 0.0;  // of the upper breakpoint
};

Segment locate(const std::vector<double>& axis, double x) {
  if (axis.size() < 2) return {};
  auto upper = std::upper_bound(axis.begin(), axis.end(), x);
  std::size_t low = upper == axis.begin() ? 0 : static_cast<std::size_t>(upper - axis.begin()) - 1;
  low = std::min(low, axis.size() - 2);
  double span = axis[low + 1] - axis[low];
  return {low, span == 0.0 ? 0.0 : (x - axis[low]) / span};
}

}  // namespace

double Table::lookup(double transition_ns, double load_pf_value) const {
  std::size_t loads = std::max<std::size_t>(load_pf.size(), 1);
  Segment row = locate(input_transition_ns, transition_ns);
  Segment column = locate(load_pf, load_pf_value);
  auto at = [&](std::size_t r, std::size_t c) { return values[r * loads + c]; };
  bool two_rows = input_transition_ns.size() >= 2;
  bool two_columns = load_pf.size() >= 2;
  auto along_load = [&](std::size_t r) {
    if (!two_columns) return at(r, 0);
    return at(r, column.low) + column.weight * (at(r, column.low + 1) - at(r, column.low));
  };
  if (!two_rows) return along_load(0);
  double low = along_load(row.low);
  double high = along_load(row.low + 1);
  return low + row.weight * (high - low);
}

double InternalPower::mean_energy_pj(double input_transition_ns, double load_pf) const {
  double sum = 0.0;
  if (rise_power) sum += rise_power->lookup(input_transition_ns, load_pf);
  if (fall_power) sum += fall_power->lookup(input_transition_ns, load_pf);
  return sum / 2.0;
}

double TimingArc::mean_delay_ns(double input_transition_ns, double load_pf) const {
  double sum = 0.0;
  int tables = 0;
  for (const auto* table : {&cell_rise, &cell_fall}) {
    if (!*table) continue;
    sum += (*table)->lookup(input_transition_ns, load_pf);
    ++tables;
  }
  return tables ? sum / tables : 0.0;
}

const Pin* Cell::find_pin(std::string_view pin_name) const {
  for (const Pin& pin : pins) {
    if (pin.name == pin_name) return &pin;
  }
  return nullptr;
}

const Cell* Library::find_cell(std::string_view cell_name) const {
  if (cell_index_.size() != cells.size()) {  // not indexed (edited by hand): search
    for (const Cell& cell : cells) {
      if (cell.name == cell_name) return &cell;
    }
    return nullptr;
  }
  auto found = cell_index_.find(std::string(cell_name));
  return found == cell_index_.end() ? nullptr : &cells[found->second];
}

void Library::index_cells() {
  cell_index_.clear();
  for (std::size_t i = 0; i < cells.size(); ++i) cell_index_.emplace(cells[i].name, i);
}

}  // namespace tessera::traces::liberty
