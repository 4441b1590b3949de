#pragma once
// Writes an output file. A regular file (or a new one) is written atomically: data goes to a temporary
// beside the target and is renamed into place only when complete, so a failure never leaves a half-written
// output or destroys what was there before. A device or a FIFO is written through (it cannot be replaced,
// and /dev/null must stay /dev/null). A symbolic link, a directory, a socket, a file this run reads as an
// input, or a target another open output already names is refused (docs/robustness.md "files lost").
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
    void commit() {  // flush, fsync, rename over the target
        finish();
        publish();
    }
    // The two halves of commit(), for several outputs that must appear all or none: finish every one
    // (where write errors show), then publish every one.
    void finish();
    void publish();

private:
    std::string path_;
    std::string target_key_;  // the canonical target, while this output is open
    std::string temp_path_;  // empty when writing through to a device or FIFO
    std::FILE* file_ = nullptr;
    size_t written_ = 0;
    bool finished_ = false;
    int signal_slot_ = -1;
};

}  // namespace smol
