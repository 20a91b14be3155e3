#include "sim/power/synthesis.h"

#include <nlohmann/json.hpp>
#include <regex>

#include "golden/common/error.h"
#include "sim/power/structure_techmap.h"
#include "sim/rtl/tools.h"

namespace tessera::power {
namespace fs = std::filesystem;

namespace {

bool is_identifier(const std::string& name) {
  static const std::regex id("[A-Za-z_][A-Za-z0-9_$]*");
  return std::regex_match(name, id);
}

// A Verilog number or a quoted-free literal: 12, -3, 8'hff, 'b101.
bool is_parameter_value(const std::string& value) {
  static const std::regex literal("-?[0-9]*'?[sS]?[bBoOdDhH]?[0-9a-fA-F_xXzZ]+");
  return std::regex_match(value, literal);
}

// Yosys scripts quote paths with '"'; a path that holds one (or a newline) cannot be quoted.
std::string quoted_path(const fs::path& path, const char* what) {
  const std::string text = fs::absolute(path).string();
  if (text.find_first_of("\"\n") != std::string::npos) {
    throw InputError(path.string() + ": " + what + " paths with '\"' or newlines are not supported");
  }
  return "\"" + text + "\"";
}

std::string synthesis_script(const SynthesisSpec& spec, const traces::liberty::Library& library) {
  const std::string lib = quoted_path(spec.liberty_file, "liberty");
  std::string script;
  for (const auto& source : spec.sources) {
    std::error_code ec;
    if (!fs::is_regular_file(source, ec)) throw InputError(source.string() + ": no such Verilog file");
    script += "read_verilog -sv " + quoted_path(source, "Verilog") + "\n";
  }
  script += "hierarchy -check -top " + spec.top;
  for (const auto& [name, value] : spec.parameters) script += " -chparam " + name + " " + value;
  script += "\n";
  const bool keep = spec.structure == Structure::keep;
  script += "synth -top " + spec.top + " -flatten" + (keep ? " -noabc" : "") +
            (spec.resource_sharing ? "" : " -noshare") + "\n";
  script += "dfflibmap -liberty " + lib + "\n";
  if (keep) {
    // One cell per Yosys gate; abc only maps what the library has no single cell for (none for
    // the usual AND/OR/XOR/NOT/MUX on OSU018 and sky130).
    script += "techmap -map structure_techmap.v\n";
  }
  script += "abc -liberty " + lib + "\n";
  const BufferCell buffer = smallest_buffer(library);
  script +=
      "opt_clean -purge\n"
      // OpenSTA 2019 cannot parse the concatenated assigns write_verilog emits without splitnets.
      "splitnets\n"
      "opt_clean -purge\n"
      "insbuf -buf " + buffer.cell + " " + buffer.input_pin + " " + buffer.output_pin + "\n"
      "opt_clean -purge\n"
      // Public, short names: OpenSTA and Verilator coverage see every net.
      "rename -enumerate -pattern n%\n"
      "tee -q -o stat.json stat -json\n"
      "tee -q -o stat.txt stat -liberty " + lib + "\n"
      "write_json netlist.json\n"
      "write_verilog -noattr -noexpr -nohex -nodec netlist.v\n";
  return script;
}

double chip_area_um2(const std::string& stat_text, const std::string& top) {
  static const std::regex area_line("Chip area for module '\\\\?([^']*)': ([0-9.eE+-]+)");
  for (std::sregex_iterator it(stat_text.begin(), stat_text.end(), area_line), end; it != end; ++it) {
    if ((*it)[1] == top) return std::stod((*it)[2]);
  }
  throw Error("Yosys `stat -liberty` printed no chip area for '" + top + "'");
}

}  // namespace

std::string to_string(Structure structure) { return structure == Structure::keep ? "keep" : "restructure"; }

Structure parse_structure(std::string_view name) {
  if (name == "keep") return Structure::keep;
  if (name == "restructure") return Structure::restructure;
  throw ConfigError("unknown structure '" + std::string(name) + "': expected keep or restructure");
}

SynthesisResult synthesize_to_liberty(const SynthesisSpec& spec, const traces::liberty::Library& library) {
  if (spec.sources.empty()) throw InputError("no Verilog source given");
  if (!is_identifier(spec.top)) throw InputError("'" + spec.top + "' is not a plain Verilog module name");
  for (const auto& [name, value] : spec.parameters) {
    if (!is_identifier(name) || !is_parameter_value(value)) {
      throw InputError("parameter '" + name + "=" + value + "': expected NAME=VALUE with a Verilog identifier and a number");
    }
  }
  if (spec.work_dir.empty()) throw Error("synthesize_to_liberty: no work directory given");
  fs::create_directories(spec.work_dir);
  const fs::path& dir = spec.work_dir;
  if (spec.structure == Structure::keep) rtl::write_text(dir / "structure_techmap.v", structure_techmap_verilog(library));
  rtl::write_text(dir / "synth.ys", synthesis_script(spec, library));
  const rtl::ToolRun run = rtl::run_tool({rtl::yosys_tool(), "-q", "-l", "synth.log", "-s", "synth.ys"}, dir,
                                         dir / "synth.out");
  SynthesisResult result;
  result.log = rtl::read_text(dir / "synth.log");
  if (run.exit_code != 0) {
    std::string sources;
    for (const auto& s : spec.sources) sources += (sources.empty() ? "" : ", ") + s.string();
    throw InputError(sources + ": Yosys cannot synthesise '" + spec.top + "' onto " + spec.liberty_file.string() +
                     ":\n" + rtl::tool_message(run.output + result.log));
  }
  result.netlist_json = dir / "netlist.json";
  result.netlist_verilog = dir / "netlist.v";
  try {
    const auto stat = nlohmann::json::parse(rtl::read_text(dir / "stat.json"));
    const auto& design = stat.at("design");
    result.cells = design.at("num_cells").get<std::int64_t>();
    if (design.contains("num_cells_by_type")) {
      for (const auto& [type, n] : design.at("num_cells_by_type").items()) {
        result.cells_by_type[type] = n.get<std::int64_t>();
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error("cannot read Yosys statistics " + (dir / "stat.json").string() + ": " + e.what());
  }
  result.area_um2 = chip_area_um2(rtl::read_text(dir / "stat.txt"), spec.top);
  for (const auto& [type, n] : result.cells_by_type) {
    if (type.rfind("$", 0) == 0) {
      throw Error("synthesis of '" + spec.top + "' left " + std::to_string(n) + " unmapped " + type +
                  " cells (the library lacks a cell for them)");
    }
  }
  return result;
}

}  // namespace tessera::power
