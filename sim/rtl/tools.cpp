#include "sim/rtl/tools.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "golden/common/error.h"

namespace tessera::rtl {
namespace fs = std::filesystem;

namespace {

std::string tool_path(const char* env, const char* fallback) {
  const char* value = std::getenv(env);
  return (value != nullptr && *value != '\0') ? value : fallback;
}

// How a user gets a missing tool: the Debian package and the variable that names it.
std::string install_hint(const std::string& program) {
  if (program == yosys_tool()) return "install it (Debian: apt-get install yosys) or name it in TESSERA_YOSYS";
  if (program == verilator_tool()) {
    return "install it (Debian: apt-get install verilator) or name it in TESSERA_VERILATOR";
  }
  if (program == sta_tool()) return "install it (Debian: apt-get install opensta) or name it in TESSERA_STA";
  return "check that it is installed and on PATH";
}

}  // namespace

std::string yosys_tool() { return tool_path("TESSERA_YOSYS", "yosys"); }
std::string verilator_tool() { return tool_path("TESSERA_VERILATOR", "verilator"); }
std::string sta_tool() { return tool_path("TESSERA_STA", "sta"); }

bool tool_available(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw Error("cannot write " + path.string());
}

ToolRun run_tool(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log) {
  const pid_t pid = fork();
  if (pid < 0) throw Error(std::string("cannot start ") + argv[0] + ": " + std::strerror(errno));
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    if (chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);  // exec failed: reported below
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(std::string("waiting for ") + argv[0] + ": " + std::strerror(errno));
  }
  ToolRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.output = read_text(log);
  if (run.exit_code == 127 && run.output.empty()) {
    throw Error(argv[0] + " not found: " + install_hint(argv[0]));
  }
  return run;
}

std::string tool_message(const std::string& output) {
  std::istringstream in(output);
  std::string line, picked;
  int count = 0;
  while (std::getline(in, line) && count < 12) {
    if (line.find("ERROR") != std::string::npos || line.find("%Error") != std::string::npos ||
        line.find("error:") != std::string::npos || line.find("Error:") != std::string::npos) {
      picked += "  " + line + "\n";
      ++count;
    }
  }
  if (!picked.empty()) return picked;
  const std::size_t keep = 1500;
  return output.size() > keep ? "  ..." + output.substr(output.size() - keep) : output;
}

WorkDir::WorkDir(const fs::path& requested, const std::string& sub) {
  if (!requested.empty()) {
    path_ = requested / sub;
    fs::create_directories(path_);
    return;
  }
  std::string pattern = (fs::temp_directory_path() / "tessera-rtl-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw Error("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  }
  path_ = pattern;
  remove_ = true;
}

WorkDir::~WorkDir() {
  if (remove_) {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
}

}  // namespace tessera::rtl
