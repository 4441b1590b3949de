#include "common/output_file.h"

#include "common/error.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace smol {

output_file::output_file(std::string path) : path_(std::move(path)) {
    std::vector<char> name(path_.begin(), path_.end());
    const char suffix[] = ".tmp-XXXXXX";
    name.insert(name.end(), suffix, suffix + sizeof suffix);  // includes the terminating NUL
    int fd = ::mkstemp(name.data());
    if (fd < 0) fail("{}: cannot create output: {}", path_, std::strerror(errno));
    temp_path_ = name.data();
    // mkstemp creates 0600; give the output the permissions a plain create would (0666 less the umask).
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
    file_ = ::fdopen(fd, "wb");
    if (!file_) {
        int e = errno;
        ::close(fd);
        ::unlink(temp_path_.c_str());
        fail("{}: cannot open output: {}", path_, std::strerror(e));
    }
}

output_file::~output_file() {
    if (file_) {
        std::fclose(file_);
        ::unlink(temp_path_.c_str());
    }
}

void output_file::write(std::span<const std::byte> data) {
    if (!file_) fail("{}: write after commit", path_);
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), file_) != data.size())
        fail("{}: write failed: {}", path_, std::strerror(errno));
    written_ += data.size();
}

void output_file::commit() {
    if (!file_) fail("{}: committed twice", path_);
    bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    int e = errno;
    ok = (std::fclose(file_) == 0) && ok;
    file_ = nullptr;
    if (!ok || std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
        if (ok) e = errno;
        ::unlink(temp_path_.c_str());
        fail("{}: cannot finish writing: {}", path_, std::strerror(e));
    }
}

}  // namespace smol
