#include "traces/format/atomic_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "golden/common/error.h"

namespace tessera::traces {
namespace {

std::string errno_text() { return std::strerror(errno); }

std::string temporary_name_for(const std::string& path) {
  // The counter keeps two writers of one process apart; the pid keeps processes apart.
  static std::atomic<unsigned> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
}

}  // namespace

AtomicOutputFile::AtomicOutputFile(std::string path)
    : path_(std::move(path)), temporary_path_(temporary_name_for(path_)) {
  fd_ = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw InputError(path_ + ": cannot create output file (" + errno_text() + ")");
  }
}

AtomicOutputFile::~AtomicOutputFile() {
  if (!committed_) discard();
}

void AtomicOutputFile::discard() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  ::unlink(temporary_path_.c_str());
}

void AtomicOutputFile::write(const void* data, std::size_t size) {
  if (fd_ < 0) throw StateError(path_ + ": write after the file was committed or failed");
  const auto* bytes = static_cast<const char*>(data);
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd_, bytes + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = errno_text();
      discard();
      throw InputError(path_ + ": write failed (" + reason + ")");
    }
    written += static_cast<std::size_t>(n);
  }
}

void AtomicOutputFile::commit() {
  if (fd_ < 0) throw StateError(path_ + ": commit after the file was committed or failed");
  if (::fsync(fd_) != 0) {
    const std::string reason = errno_text();
    discard();
    throw InputError(path_ + ": write failed (" + reason + ")");
  }
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) {
    const std::string reason = errno_text();
    discard();
    throw InputError(path_ + ": write failed (" + reason + ")");
  }
  if (std::rename(temporary_path_.c_str(), path_.c_str()) != 0) {
    const std::string reason = errno_text();
    discard();
    throw InputError(path_ + ": cannot replace output file (" + reason + ")");
  }
  committed_ = true;
}

}  // namespace tessera::traces
