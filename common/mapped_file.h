#pragma once
// A read-only memory map of a whole file; weights are read in place, never copied.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace smol {

class mapped_file {
public:
    mapped_file() = default;
    explicit mapped_file(const std::string& path);  // throws smol::error naming the path
    ~mapped_file();
    mapped_file(mapped_file&& other) noexcept;
    mapped_file& operator=(mapped_file&& other) noexcept;
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;

    std::span<const std::byte> bytes() const { return {data_, size_}; }
    const std::string& path() const { return path_; }
    size_t size() const { return size_; }

private:
    std::string path_;
    const std::byte* data_ = nullptr;
    size_t size_ = 0;
};

// Drops the resident pages of `range` (part of a read-only file mapping) from this process: they are read
// again from the page cache if touched later. For data read once, such as a checkpoint's BF16 weights while
// they are converted, so that source and result are not resident together.
void release_mapped_pages(std::span<const std::byte> range);

// Zero-filled anonymous memory: pages cost nothing until touched (KV cache, converted weights).
class anonymous_buffer {
public:
    anonymous_buffer() = default;
    explicit anonymous_buffer(size_t bytes);
    ~anonymous_buffer();
    anonymous_buffer(anonymous_buffer&& other) noexcept;
    anonymous_buffer& operator=(anonymous_buffer&& other) noexcept;
    anonymous_buffer(const anonymous_buffer&) = delete;
    anonymous_buffer& operator=(const anonymous_buffer&) = delete;

    std::byte* data() const { return data_; }
    size_t size() const { return size_; }

private:
    std::byte* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace smol
