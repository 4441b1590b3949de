#pragma once
// Writes a file atomically: data goes to a temporary beside the target and is renamed into place only
// when complete, so a failure never leaves a half-written output or destroys what was there before.
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>

namespace smol {

class output_file {
public:
    explicit output_file(std::string path);  // throws smol::error naming the path
    ~output_file();                          // removes the temporary unless commit() ran
    output_file(const output_file&) = delete;
    output_file& operator=(const output_file&) = delete;

    void write(std::span<const std::byte> data);
    void write(const void* data, size_t size) {
        write(std::span<const std::byte>(static_cast<const std::byte*>(data), size));
    }
    size_t position() const { return written_; }
    void commit();  // flush, fsync, rename over the target

private:
    std::string path_;
    std::string temp_path_;
    std::FILE* file_ = nullptr;
    size_t written_ = 0;
};

}  // namespace smol
