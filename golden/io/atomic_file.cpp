#include "golden/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "golden/common/error.h"

namespace tessera::io {
namespace {

std::string describe_errno() { return std::strerror(errno); }

std::string temporary_name_for(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  std::ostringstream name;
  name << path << ".tmp." << ::getpid() << "." << counter.fetch_add(1);
  return name.str();
}

}  // namespace

void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
  const std::string temporary = temporary_name_for(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw InputError(path + ": cannot create output file (" + describe_errno() + ")");
  }
  const auto* bytes = static_cast<const char*>(data);
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, bytes + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = describe_errno();
      ::close(fd);
      ::unlink(temporary.c_str());
      throw InputError(path + ": write failed (" + reason + ")");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string reason = describe_errno();
    ::unlink(temporary.c_str());
    throw InputError(path + ": write failed (" + reason + ")");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = describe_errno();
    ::unlink(temporary.c_str());
    throw InputError(path + ": cannot replace output file (" + reason + ")");
  }
}

void write_file_atomically(const std::string& path, std::string_view text) {
  write_file_atomically(path, text.data(), text.size());
}

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path + ": expected a file, found a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path + ": cannot open file (" + describe_errno() + ")");
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    throw InputError(path + ": read failed");
  }
  return contents.str();
}

}  // namespace tessera::io
