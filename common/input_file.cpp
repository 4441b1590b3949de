#include "common/input_file.h"

#include "common/error.h"

#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace smol {

namespace {

std::atomic<bool> remembering{false};
std::mutex inputs_mutex;
std::map<std::pair<uint64_t, uint64_t>, std::string> inputs;

void remember(const struct stat& st, const std::string& path) {
    if (!remembering) return;
    std::lock_guard lock(inputs_mutex);
    inputs.emplace(std::pair{uint64_t(st.st_dev), uint64_t(st.st_ino)}, path);
}

}  // namespace

void remember_inputs() { remembering = true; }

const std::string* input_with_identity(uint64_t device, uint64_t inode) {
    std::lock_guard lock(inputs_mutex);
    auto it = inputs.find({device, inode});
    return it == inputs.end() ? nullptr : &it->second;
}

const char* file_kind_name(unsigned mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISREG(mode)) return "a regular file";
    return "not a regular file";
}

int open_regular_input(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) fail("{}: cannot open: {}", path, std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        fail("{}: cannot stat: {}", path, std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        fail("{}: is {}, expected a regular file", path, file_kind_name(st.st_mode));
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    remember(st, path);
    return fd;
}

namespace {

// Reads until end of file, refusing more than `max_bytes`; `what` names the source in messages.
std::string read_capped(int fd, size_t max_bytes, const std::string& what) {
    std::string data;
    char chunk[1 << 16];
    while (true) {
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("{}: read error: {}", what, std::strerror(errno));
        if (n == 0) return data;
        if (data.size() + size_t(n) > max_bytes) fail("{}: more than {} bytes, the limit", what, max_bytes);
        data.append(chunk, size_t(n));
    }
}

}  // namespace

std::string read_input_file(const std::string& path, size_t max_bytes) {
    int fd = open_regular_input(path);
    struct stat st {};
    ::fstat(fd, &st);
    if (uint64_t(st.st_size) > max_bytes) {
        ::close(fd);
        fail("{}: {} bytes, more than the limit of {}", path, uint64_t(st.st_size), max_bytes);
    }
    try {
        std::string data = read_capped(fd, max_bytes, path);
        ::close(fd);
        return data;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

std::string read_standard_input(size_t max_bytes) { return read_capped(STDIN_FILENO, max_bytes, "standard input"); }

}  // namespace smol
