#include "common/mapped_file.h"

#include "common/error.h"
#include "common/input_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace smol {

mapped_file::mapped_file(const std::string& path) : path_(path) {
    int fd = open_regular_input(path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        fail("{}: cannot stat: {}", path, std::strerror(e));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            ::close(fd);
            fail("{}: cannot map {} bytes: {}", path, size_, std::strerror(e));
        }
        data_ = static_cast<const std::byte*>(p);
    }
    ::close(fd);
}

mapped_file::~mapped_file() {
    if (data_) ::munmap(const_cast<std::byte*>(data_), size_);
}

mapped_file::mapped_file(mapped_file&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

mapped_file& mapped_file::operator=(mapped_file&& other) noexcept {
    if (this != &other) {
        if (data_) ::munmap(const_cast<std::byte*>(data_), size_);
        path_ = std::move(other.path_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

void release_mapped_pages(std::span<const std::byte> range) {
    if (range.empty()) return;
    const uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
    const uintptr_t begin = reinterpret_cast<uintptr_t>(range.data()) & ~(page - 1);
    const uintptr_t end = reinterpret_cast<uintptr_t>(range.data()) + range.size();
    // Advice only: the mapping is private and never written, so dropping pages cannot lose data.
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

anonymous_buffer::anonymous_buffer(size_t bytes) : size_(bytes) {
    if (bytes == 0) return;
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) fail("cannot allocate {} bytes: {}", bytes, std::strerror(errno));
    data_ = static_cast<std::byte*>(p);
}

anonymous_buffer::~anonymous_buffer() {
    if (data_) ::munmap(data_, size_);
}

anonymous_buffer::anonymous_buffer(anonymous_buffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

anonymous_buffer& anonymous_buffer::operator=(anonymous_buffer&& other) noexcept {
    if (this != &other) {
        if (data_) ::munmap(data_, size_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

}  // namespace smol
